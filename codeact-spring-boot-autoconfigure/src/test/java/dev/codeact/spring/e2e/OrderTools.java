package dev.codeact.spring.e2e;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import org.springframework.stereotype.Component;

/** Order history, as an application would expose it to the model. Counts its calls. */
@Component
public class OrderTools {

    /**
     * An order.
     *
     * @param id order number
     * @param total amount charged
     * @param currency ISO 4217 currency code
     * @param status fulfilment status
     */
    public record Order(String id, double total, String currency, String status) {
    }

    /** Ada (C-1001): three live orders totalling 514.75 EUR and one cancelled order of 42.00 EUR. */
    private static final Map<String, List<Order>> BY_CUSTOMER = Map.of(
            "C-1001", List.of(
                    new Order("O-5001", 129.50, "EUR", "DELIVERED"),
                    new Order("O-5002", 75.25, "EUR", "SHIPPED"),
                    new Order("O-5003", 42.00, "EUR", "CANCELLED"),
                    new Order("O-5004", 310.00, "EUR", "DELIVERED")),
            "C-1002", List.of(
                    new Order("O-6001", 18.90, "GBP", "DELIVERED")));

    private final AtomicInteger calls = new AtomicInteger();
    private final List<String> customerIds = new CopyOnWriteArrayList<>();

    @Tool(name = "orders_for_customer", description = "List a customer's orders, newest last")
    public List<Order> ordersForCustomer(@ToolParam(description = "The customer's id, e.g. C-1001") String customerId) {
        calls.incrementAndGet();
        customerIds.add(customerId);
        return BY_CUSTOMER.getOrDefault(customerId, List.of());
    }

    public int calls() {
        return calls.get();
    }

    public List<String> customerIds() {
        return List.copyOf(customerIds);
    }

    public void reset() {
        calls.set(0);
        customerIds.clear();
    }
}
