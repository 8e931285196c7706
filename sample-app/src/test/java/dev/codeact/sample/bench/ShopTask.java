package dev.codeact.sample.bench;

import dev.codeact.sample.conversion.ConversionTools;
import dev.codeact.sample.shop.ShopRecords.Customer;
import dev.codeact.sample.shop.ShopRecords.OrderDetails;
import dev.codeact.sample.shop.ShopRecords.OrderLine;
import dev.codeact.sample.shop.ShopRecords.OrderSummary;
import dev.codeact.sample.shop.ShopRecords.ProductSales;
import dev.codeact.sample.shop.ShopTools;
import dev.codeact.spring.testing.RecordedRequest;
import dev.codeact.spring.testing.Reply;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The benchmark's task and the scripted model that solves it, once with ordinary tool calls and once with one
 * program. The task needs five tool calls, each with a value from an earlier result:
 *
 * <ol>
 *   <li>{@code find_customer} by e-mail: the customer's id and country;</li>
 *   <li>{@code orders_for_customer} with that id: her largest delivered order;</li>
 *   <li>{@code order_details} of that order: the category of its biggest line;</li>
 *   <li>{@code top_products} in that category: its best seller;</li>
 *   <li>{@code exchange_rate} from EUR to the currency of her country: the order total in her currency.</li>
 * </ol>
 *
 * The scripted model is stateless, like a real one: every reply is computed from the request it answers, and the
 * arguments of each tool call come from the tool results in that request's messages.
 */
final class ShopTask {
    static final String EMAIL = "ada.lovelace@example.com";
    static final String QUESTION = "For the customer " + EMAIL + ": which is her largest delivered order, what is the"
            + " best-selling product in the category of that order's biggest line, and what is the order total in"
            + " her home currency?";

    /** What the CodeAct model writes: the same five calls and the same choices, as one program. */
    static final String PROGRAM = """
            const customer = call_tool('find_customer', {email: '%s'});
            const delivered = call_tool('orders_for_customer', {customerId: customer.id})
                .filter(o => o.status === 'DELIVERED');
            const largest = delivered.reduce((a, b) => (b.totalEur > a.totalEur ? b : a));
            const order = call_tool('order_details', {orderId: largest.id});
            const line = order.lines.reduce((a, b) => (b.lineTotalEur > a.lineTotalEur ? b : a));
            const top = call_tool('top_products', {category: line.category, limit: 1})[0];
            const currency = {GB: 'GBP', US: 'USD', CH: 'CHF', SE: 'SEK', NO: 'NOK', DK: 'DKK', PL: 'PLN',
                CZ: 'CZK'}[customer.country] ?? 'EUR';
            const fx = call_tool('exchange_rate', {from: 'EUR', to: currency});
            return {customer: customer.name, orderId: order.id, totalEur: order.totalEur, category: line.category,
                topSku: top.sku, topName: top.name, currency, rate: fx.rate,
                total: Math.round(order.totalEur * fx.rate * 100) / 100};
            """.formatted(EMAIL);

    /** The tools in the order the task needs them. */
    static final List<String> STEPS = List.of("find_customer", "orders_for_customer", "order_details", "top_products",
            "exchange_rate");

    /** Currencies of the countries whose currency is not the euro (the sample's customers' countries). */
    private static final Map<String, String> CURRENCIES = Map.of("GB", "GBP", "US", "USD", "CH", "CHF", "SE", "SEK",
            "NO", "NOK", "DK", "DKK", "PL", "PLN", "CZ", "CZK");

    /** Reads tool results the way they were written: money as exact decimals. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private ShopTask() {
    }

    /**
     * The answer's data, whoever computed it.
     *
     * @param customer the customer's name
     * @param orderId her largest delivered order
     * @param totalEur its total in EUR
     * @param category the category of its biggest line
     * @param topSku the best seller in that category
     * @param topName its name
     * @param currency the customer's currency
     * @param rate EUR to that currency
     * @param total the order total in that currency, rounded to cents
     */
    record Facts(String customer, int orderId, BigDecimal totalEur, String category, String topSku, String topName,
            String currency, BigDecimal rate, BigDecimal total) {
        Facts {
            // equal numbers are equal records, whatever their scale (612.4 and 612.40)
            totalEur = totalEur.stripTrailingZeros();
            rate = rate.stripTrailingZeros();
            total = total.stripTrailingZeros();
        }

        /** The final answer text: the same function of the same data in both modes. */
        String answer() {
            return "%s's largest delivered order is #%d: %s EUR, which is %s %s at %s %s per EUR. Its biggest line is in %s,"
                    .formatted(customer, orderId, totalEur.setScale(2, RoundingMode.UNNECESSARY).toPlainString(),
                            total.setScale(2, RoundingMode.UNNECESSARY).toPlainString(), currency, rate.toPlainString(),
                            currency, category)
                    + " whose best seller is %s (%s).".formatted(topName, topSku);
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("customer", customer);
            m.put("orderId", orderId);
            m.put("totalEur", totalEur);
            m.put("category", category);
            m.put("topSku", topSku);
            m.put("topName", topName);
            m.put("currency", currency);
            m.put("rate", rate);
            m.put("total", total);
            return m;
        }
    }

    static String currencyOf(String country) {
        return CURRENCIES.getOrDefault(country, "EUR");
    }

    static BigDecimal convert(BigDecimal eur, BigDecimal rate) {
        return eur.multiply(rate).setScale(2, RoundingMode.HALF_UP);
    }

    /** The expected facts, from the tool beans called directly in Java: no model, no JSON, no sandbox. */
    static Facts expected(ShopTools shop, ConversionTools conversion) {
        Customer customer = shop.findCustomer(EMAIL, null);
        OrderSummary largest = shop.ordersForCustomer(customer.id()).stream()
                .filter(o -> "DELIVERED".equals(o.status()))
                .reduce((a, b) -> b.totalEur().compareTo(a.totalEur()) > 0 ? b : a)
                .orElseThrow();
        OrderDetails order = shop.orderDetails(largest.id());
        OrderLine line = order.lines().stream()
                .reduce((a, b) -> b.lineTotalEur().compareTo(a.lineTotalEur()) > 0 ? b : a)
                .orElseThrow();
        ProductSales top = shop.topProducts(line.category(), 1).get(0);
        String currency = currencyOf(customer.country());
        BigDecimal rate = conversion.exchangeRate("EUR", currency).rate();
        return new Facts(customer.name(), order.id(), order.totalEur(), line.category(), top.sku(), top.name(), currency,
                rate, convert(order.totalEur(), rate));
    }

    // ---------------------------------------------------------------------------------------------------------
    // The scripted model, plain tool calling: one tool call per reply, then the answer.

    /** Answers one request of the plain mode: the next tool call, with arguments from the earlier results. */
    static Reply plainModel(RecordedRequest request) {
        requireQuestion(request);
        Map<String, JsonNode> results = toolResults(request);
        for (String step : STEPS) {
            if (!results.containsKey(step)) {
                return toolCall("call_" + (results.size() + 1), step, arguments(step, results));
            }
        }
        return Reply.text(plainFacts(results).answer());
    }

    private static ObjectNode arguments(String tool, Map<String, JsonNode> r) {
        ObjectNode args = JSON.createObjectNode();
        switch (tool) {
            case "find_customer" -> args.put("email", EMAIL);
            case "orders_for_customer" -> args.put("customerId", r.get("find_customer").path("id").intValue());
            case "order_details" -> args.put("orderId", largestDelivered(r.get("orders_for_customer")).path("id").intValue());
            case "top_products" -> args.put("category", biggestLine(r.get("order_details")).path("category").asString())
                    .put("limit", 1);
            case "exchange_rate" -> args.put("from", "EUR").put("to", currencyOf(r.get("find_customer").path("country").asString()));
            default -> throw new IllegalArgumentException(tool);
        }
        return args;
    }

    private static Facts plainFacts(Map<String, JsonNode> r) {
        JsonNode customer = r.get("find_customer");
        JsonNode order = r.get("order_details");
        JsonNode line = biggestLine(order);
        JsonNode top = r.get("top_products").get(0);
        JsonNode fx = r.get("exchange_rate");
        BigDecimal totalEur = order.path("totalEur").decimalValue();
        BigDecimal rate = fx.path("rate").decimalValue();
        return new Facts(customer.path("name").asString(), order.path("id").intValue(), totalEur,
                line.path("category").asString(), top.path("sku").asString(), top.path("name").asString(),
                fx.path("to").asString(), rate, convert(totalEur, rate));
    }

    /** The first delivered order with the highest total, as the program's reduce picks it. */
    private static JsonNode largestDelivered(JsonNode orders) {
        JsonNode best = null;
        for (JsonNode o : orders) {
            if ("DELIVERED".equals(o.path("status").asString())
                    && (best == null || o.path("totalEur").decimalValue().compareTo(best.path("totalEur").decimalValue()) > 0)) {
                best = o;
            }
        }
        if (best == null) {
            throw new IllegalStateException("no delivered order in " + orders);
        }
        return best;
    }

    /** The first line with the highest total, as the program's reduce picks it. */
    private static JsonNode biggestLine(JsonNode order) {
        JsonNode best = null;
        for (JsonNode l : order.path("lines")) {
            if (best == null || l.path("lineTotalEur").decimalValue().compareTo(best.path("lineTotalEur").decimalValue()) > 0) {
                best = l;
            }
        }
        if (best == null) {
            throw new IllegalStateException("an order without lines: " + order);
        }
        return best;
    }

    /** The results of the tool calls in the request's messages, by tool name, parsed from the tool messages. */
    private static Map<String, JsonNode> toolResults(RecordedRequest request) {
        Map<String, JsonNode> results = new LinkedHashMap<>();
        for (RecordedRequest.ToolResult r : request.toolResults()) {
            results.put(r.tool(), readResult(r.tool(), r.text()));
        }
        return results;
    }

    // ---------------------------------------------------------------------------------------------------------
    // The scripted model, CodeAct: one program, then the answer.

    /** Answers one request of the CodeAct mode: execute_code with the program, then the answer from its result. */
    static Reply codeActModel(RecordedRequest request) {
        requireQuestion(request);
        if (!request.toolNames().equals(List.of("execute_code"))) {
            throw new IllegalStateException("CodeAct should offer execute_code only, offered " + request.tools());
        }
        String executed = null;
        for (JsonNode m : request.messages("tool")) {
            executed = RecordedRequest.text(m);
        }
        if (executed == null) {
            ObjectNode args = JSON.createObjectNode().put("code", PROGRAM);
            return toolCall("call_1", "execute_code", args);
        }
        JsonNode answer = JSON.readTree(executed);
        if (!answer.path("success").asBoolean()) {
            throw new IllegalStateException("the program failed: " + executed);
        }
        return Reply.text(programFacts(answer.path("result")).answer());
    }

    /** The facts in the program's result (its returned value, as JSON). */
    static Facts programFacts(String resultJson) {
        return programFacts(JSON.readTree(resultJson));
    }

    private static Facts programFacts(JsonNode r) {
        return new Facts(r.path("customer").asString(), r.path("orderId").intValue(), r.path("totalEur").decimalValue(),
                r.path("category").asString(), r.path("topSku").asString(), r.path("topName").asString(),
                r.path("currency").asString(), r.path("rate").decimalValue(), r.path("total").decimalValue());
    }

    // ---------------------------------------------------------------------------------------------------------

    private static JsonNode readResult(String tool, String content) {
        try {
            return JSON.readTree(content);
        } catch (RuntimeException e) {
            // Spring AI sends a failed tool's message as the result: a real model would read it; this one stops
            throw new IllegalStateException(tool + " did not return JSON: " + content, e);
        }
    }

    private static void requireQuestion(RecordedRequest request) {
        boolean asked = request.messages("user").stream().anyMatch(m -> RecordedRequest.text(m).equals(QUESTION));
        if (!asked) {
            throw new IllegalStateException("the request does not carry the question");
        }
    }

    private static Reply toolCall(String id, String tool, ObjectNode arguments) {
        return new Reply.ToolCall(id, tool, JSON.writeValueAsString(arguments));
    }
}
