package dev.codeact.spring.bench;

import dev.codeact.spring.execution.ExecutionListener;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Component;

/**
 * The application {@link RequestSizeBenchmark} measures: plain auto-configuration (the OpenAI starter, Spring AI's
 * ChatClient, the CodeAct starter) and three {@code @Tool} beans as a consumer application writes them, each
 * result feeding the next call: {@code find_customer} gives the customer's id and home currency,
 * {@code orders_for_customer} the orders with amounts in various currencies, {@code convert_currency} one amount
 * in another currency. Customers, orders and rates are fixed, so every run sends the same bytes.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ConsumerShop.Customers.class, ConsumerShop.Orders.class, ConsumerShop.Currencies.class, ConsumerShop.CallLog.class,
        ConsumerShop.Executions.class})
public class ConsumerShop {
    /** A customer with three orders. */
    static final String ADA = "ada@example.com";
    /** A customer with fifty orders. */
    static final String GRACE = "grace@example.com";

    /** Euros per unit of each currency: fixed, so conversions are deterministic. */
    private static final Map<String, BigDecimal> EUR_PER_UNIT = Map.of("EUR", new BigDecimal("1"),
            "USD", new BigDecimal("0.92"), "GBP", new BigDecimal("1.17"), "CHF", new BigDecimal("1.04"),
            "SEK", new BigDecimal("0.088"), "JPY", new BigDecimal("0.0061"));
    private static final String[] ORDER_CURRENCIES = {"USD", "GBP", "CHF", "SEK", "JPY"};
    private static final String[] STATUSES = {"DELIVERED", "SHIPPED", "DELIVERED", "PROCESSING"};

    private static final Map<String, Customer> CUSTOMERS = Map.of(
            ADA, new Customer("C-1001", "Ada Lovelace", ADA, "EUR"),
            GRACE, new Customer("C-1002", "Grace Hopper", GRACE, "EUR"));
    private static final Map<String, List<Order>> ORDERS = Map.of(
            "C-1001", orders(5001, 3),
            "C-1002", orders(6001, 50));

    public record Customer(String id, String name, String email, String homeCurrency) {
    }

    public record Order(String id, LocalDate placedOn, BigDecimal amount, String currency, String status) {
    }

    public record Money(BigDecimal amount, String currency) {
    }

    /** {@code count} orders from number {@code first} on, amounts and currencies varying deterministically. */
    private static List<Order> orders(int first, int count) {
        List<Order> orders = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String currency = ORDER_CURRENCIES[i % ORDER_CURRENCIES.length];
            // JPY and SEK amounts are larger numbers, as they would be
            long cents = 1_999 + (i * 7_919L) % 48_000;
            BigDecimal amount = BigDecimal.valueOf(cents * (currency.equals("JPY") ? 100 : currency.equals("SEK") ? 10 : 1), 2);
            orders.add(new Order("O-" + (first + i), LocalDate.of(2025, 1, 1).plusDays(i * 5L), amount, currency,
                    STATUSES[i % STATUSES.length]));
        }
        return List.copyOf(orders);
    }

    /** At the fixed rates, rounded to cents. */
    static BigDecimal convert(BigDecimal amount, String from, String to) {
        BigDecimal fromRate = EUR_PER_UNIT.get(from);
        BigDecimal toRate = EUR_PER_UNIT.get(to);
        if (fromRate == null || toRate == null) {
            throw new IllegalArgumentException("no rate for " + (fromRate == null ? from : to));
        }
        return amount.multiply(fromRate).divide(toRate, 2, RoundingMode.HALF_UP);
    }

    /**
     * What the task's answer must say, from the data in Java (no tool bean, no model, no JSON): the customer's
     * orders converted one by one to her home currency, and summed.
     */
    static Total expected(String email) {
        Customer customer = CUSTOMERS.get(email);
        List<Order> orders = ORDERS.get(customer.id());
        BigDecimal sum = orders.stream().map(o -> convert(o.amount(), o.currency(), customer.homeCurrency()))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        return new Total(customer.name(), orders.size(), sum, customer.homeCurrency());
    }

    /**
     * The task's answer.
     *
     * @param customer the customer's name
     * @param orders how many orders were converted
     * @param total their sum in {@code currency}, to the cent
     * @param currency the customer's home currency
     */
    record Total(String customer, int orders, BigDecimal total, String currency) {
        Total {
            total = total.setScale(2, RoundingMode.UNNECESSARY);
        }

        /** The final answer text: the same function of the same data in both modes. */
        String answer() {
            return "%s's %d orders come to %s %s.".formatted(customer, orders, total.toPlainString(), currency);
        }
    }

    /** The tools that ran, in order, whoever called them (the model through Spring AI, or a program). */
    @Component
    public static class CallLog {
        private final List<String> calls = new CopyOnWriteArrayList<>();

        void add(String tool) {
            calls.add(tool);
        }

        List<String> drain() {
            List<String> copy = List.copyOf(calls);
            calls.clear();
            return copy;
        }
    }

    /** Also told about each program CodeAct runs (a bean is all it takes; unused with CodeAct off). */
    @Component
    public static class Executions implements ExecutionListener {
        private final List<Execution> executions = new CopyOnWriteArrayList<>();

        @Override
        public void executed(Execution execution) {
            executions.add(execution);
        }

        List<Execution> drain() {
            List<Execution> copy = List.copyOf(executions);
            executions.clear();
            return copy;
        }
    }

    @Component
    public static class Customers {
        private final CallLog log;

        public Customers(CallLog log) {
            this.log = log;
        }

        @Tool(name = "find_customer", description = "Find a customer by e-mail address")
        public Customer findCustomer(@ToolParam(description = "The customer's e-mail address") String email) {
            log.add("find_customer");
            Customer customer = CUSTOMERS.get(email);
            if (customer == null) {
                throw new IllegalArgumentException("no customer with e-mail " + email);
            }
            return customer;
        }
    }

    @Component
    public static class Orders {
        private final CallLog log;

        public Orders(CallLog log) {
            this.log = log;
        }

        @Tool(name = "orders_for_customer", description = "List a customer's orders, oldest first")
        public List<Order> ordersForCustomer(@ToolParam(description = "The customer's id, e.g. C-1001") String customerId) {
            log.add("orders_for_customer");
            return ORDERS.getOrDefault(customerId, List.of());
        }
    }

    @Component
    public static class Currencies {
        private final CallLog log;

        public Currencies(CallLog log) {
            this.log = log;
        }

        @Tool(name = "convert_currency", description = "Convert an amount of money from one currency to another at today's rate")
        public Money convertCurrency(@ToolParam(description = "The amount") BigDecimal amount,
                @ToolParam(description = "ISO 4217 code of the amount's currency") String from,
                @ToolParam(description = "ISO 4217 code of the currency to convert to") String to) {
            log.add("convert_currency");
            return new Money(convert(amount, from, to), to);
        }
    }
}
