package dev.codeact.spring.e2e;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import org.springframework.stereotype.Component;

/** A customer directory, as an application would expose it to the model. Counts its calls. */
@Component
public class CustomerTools {

    /**
     * A customer.
     *
     * @param id the customer's id
     * @param name full name
     * @param email e-mail address
     * @param tier loyalty tier
     */
    public record Customer(String id, String name, String email, String tier) {
    }

    /** Thrown for an e-mail address the directory does not know. */
    public static class CustomerNotFoundException extends RuntimeException {
        public CustomerNotFoundException(String message) {
            super(message);
        }
    }

    private static final Map<String, Customer> BY_EMAIL = Map.of(
            "ada@example.com", new Customer("C-1001", "Ada Lovelace", "ada@example.com", "GOLD"),
            "alan@example.com", new Customer("C-1002", "Alan Turing", "alan@example.com", "SILVER"));

    private final AtomicInteger calls = new AtomicInteger();
    private final List<String> emails = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Tool(name = "find_customer", description = "Find a customer by e-mail address")
    public Customer findCustomer(@ToolParam(description = "The customer's e-mail address") String email) {
        calls.incrementAndGet();
        emails.add(email);
        Customer customer = BY_EMAIL.get(email);
        if (customer == null) {
            throw new CustomerNotFoundException("no customer with e-mail " + email);
        }
        return customer;
    }

    public int calls() {
        return calls.get();
    }

    public List<String> emails() {
        return List.copyOf(emails);
    }

    public void reset() {
        calls.set(0);
        emails.clear();
    }
}
