package dev.codeact.spring.tools;

import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.function.FunctionToolCallback;

/**
 * Catalogs of the size applications with a few MCP servers have: tools of several services, each a verb and a noun
 * under the service's prefix, with descriptions of two sentences, and a handful that tests look for by name, by
 * description and by parameter name.
 */
public final class LargeCatalogs {
    private static final String[] SERVICES = {"crm", "billing", "inventory", "shipping", "support", "analytics"};
    private static final String[] VERBS = {"get", "list", "create", "update", "delete", "search", "export", "archive",
            "restore", "count"};
    private static final String[] NOUNS = {"record", "note", "attachment", "tag", "comment"};

    public record QueryArgs(String id, String filter, Integer limit) {
    }

    public record TransferArgs(String iban, double amount, String reference) {
    }

    public record ConvertArgs(String from, String to, double amount) {
    }

    private LargeCatalogs() {
    }

    /** {@code count} generated tools (at most 300) plus the three the tests search for. */
    public static List<ToolCallback> tools(int count) {
        List<ToolCallback> tools = new ArrayList<>();
        outer:
        for (String service : SERVICES) {
            for (String verb : VERBS) {
                for (String noun : NOUNS) {
                    if (tools.size() == count) {
                        break outer;
                    }
                    String name = service + "_" + verb + "_" + noun;
                    tools.add(FunctionToolCallback.builder(name, (QueryArgs a) -> "{\"tool\":\"" + name + "\"}")
                            .description(capitalised(verb) + "s a " + noun + " of the " + service + " service. Use the id"
                                    + " of the " + noun + " and an optional filter; at most `limit` results are returned.")
                            .inputType(QueryArgs.class)
                            .build());
                }
            }
        }
        tools.add(FunctionToolCallback.builder("fx_convert", (ConvertArgs a) -> String.valueOf(a.amount() * 2))
                .description("Converts an amount of money between currencies at today's rate. Rates are mid-market.")
                .inputType(ConvertArgs.class)
                .build());
        tools.add(FunctionToolCallback.builder("treasury_wire", (TransferArgs a) -> "{\"sent\":" + a.amount() + "}")
                .description("Sends money to a bank account.")
                .inputType(TransferArgs.class)
                .build());
        tools.add(FunctionToolCallback.builder("invoice_pdf", (QueryArgs a) -> "\"%PDF\"")
                .description("Renders a document.")
                .inputType(QueryArgs.class)
                .build());
        return tools;
    }

    private static String capitalised(String verb) {
        return Character.toUpperCase(verb.charAt(0)) + verb.substring(1);
    }
}
