package dev.codeact.sample.shop;

import dev.codeact.sample.shop.ShopRecords.Customer;
import dev.codeact.sample.shop.ShopRecords.OrderDetails;
import dev.codeact.sample.shop.ShopRecords.OrderLine;
import dev.codeact.sample.shop.ShopRecords.OrderSummary;
import dev.codeact.sample.shop.ShopRecords.ProductSales;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The shop's tools: ordinary Spring bean methods over the database. Programs written by the model call them
 * with {@code call_tool("find_customer", {email: "..."})}; an exception thrown here reaches the program as a
 * {@code ToolError} carrying the message, so the messages say what to do instead.
 */
@Component
public class ShopTools {
    static final int MAX_LIMIT = 100;
    private static final String CUSTOMER_COLUMNS = "id, name, email, country, tier, since AS customer_since";
    private static final String CATEGORIES = "Keyboards, Mice, Monitors, Audio, Storage, Networking, Cables, Furniture, Power";

    private final JdbcClient jdbc;

    public ShopTools(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Thrown when a customer, order or category does not exist. */
    public static class NotFoundException extends RuntimeException {
        public NotFoundException(String message) {
            super(message);
        }
    }

    @Tool(name = "find_customer", description = "Find one customer by e-mail address or by numeric id (give one of the two)")
    public Customer findCustomer(
            @ToolParam(required = false, description = "The customer's e-mail address, e.g. ada.lovelace@example.com") String email,
            @ToolParam(required = false, description = "The customer's numeric id, e.g. 1") Integer id) {
        if (email != null && !email.isBlank()) {
            return jdbc.sql("SELECT " + CUSTOMER_COLUMNS + " FROM customers WHERE LOWER(email) = LOWER(:email)")
                    .param("email", email.strip())
                    .query(Customer.class).optional()
                    .orElseThrow(() -> new NotFoundException("no customer with e-mail " + email.strip()
                            + "; search_customers lists customers by country and tier"));
        }
        if (id != null) {
            return jdbc.sql("SELECT " + CUSTOMER_COLUMNS + " FROM customers WHERE id = :id")
                    .param("id", id)
                    .query(Customer.class).optional()
                    .orElseThrow(() -> new NotFoundException("no customer with id " + id));
        }
        throw new IllegalArgumentException("give either email or id");
    }

    @Tool(name = "search_customers", description = "List customers, optionally filtered by country and loyalty tier, ordered by id")
    public List<Customer> searchCustomers(
            @ToolParam(required = false, description = "ISO 3166-1 alpha-2 country code, e.g. DE, FR, GB") String country,
            @ToolParam(required = false, description = "Loyalty tier: BRONZE, SILVER, GOLD or PLATINUM") String tier,
            @ToolParam(required = false, description = "At most this many customers (default and maximum " + MAX_LIMIT + ")")
            Integer limit) {
        StringBuilder sql = new StringBuilder("SELECT " + CUSTOMER_COLUMNS + " FROM customers WHERE 1 = 1");
        if (country != null && !country.isBlank()) {
            sql.append(" AND country = :country");
        }
        if (tier != null && !tier.isBlank()) {
            sql.append(" AND tier = :tier");
        }
        sql.append(" ORDER BY id LIMIT :limit");
        JdbcClient.StatementSpec statement = jdbc.sql(sql.toString()).param("limit", limit(limit, MAX_LIMIT));
        if (country != null && !country.isBlank()) {
            statement = statement.param("country", country.strip().toUpperCase(Locale.ROOT));
        }
        if (tier != null && !tier.isBlank()) {
            statement = statement.param("tier", tier.strip().toUpperCase(Locale.ROOT));
        }
        return statement.query(Customer.class).list();
    }

    @Tool(name = "orders_for_customer", description = "List a customer's orders, oldest first, with status and total in EUR")
    public List<OrderSummary> ordersForCustomer(@ToolParam(description = "The customer's numeric id") int customerId) {
        requireCustomer(customerId);
        return jdbc.sql("""
                        SELECT o.id, o.ordered_on, o.status, SUM(l.quantity) AS items,
                               SUM(l.quantity * l.unit_price_eur) AS total_eur
                        FROM orders o JOIN order_lines l ON l.order_id = o.id
                        WHERE o.customer_id = :customerId
                        GROUP BY o.id, o.ordered_on, o.status
                        ORDER BY o.ordered_on, o.id""")
                .param("customerId", customerId)
                .query(OrderSummary.class).list();
    }

    @Tool(name = "order_details", description = "One order with its lines: product, quantity and price paid, in EUR")
    public OrderDetails orderDetails(@ToolParam(description = "The order id, e.g. 5001") int orderId) {
        OrderHeader header = jdbc.sql("""
                        SELECT o.id, o.customer_id, c.name AS customer_name, o.ordered_on, o.status
                        FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id = :id""")
                .param("id", orderId)
                .query(OrderHeader.class).optional()
                .orElseThrow(() -> new NotFoundException("no order with id " + orderId));
        List<OrderLine> lines = jdbc.sql("""
                        SELECT l.line_no, l.sku, p.name AS product, p.category, l.quantity, l.unit_price_eur,
                               l.quantity * l.unit_price_eur AS line_total_eur
                        FROM order_lines l JOIN products p ON p.sku = l.sku
                        WHERE l.order_id = :id ORDER BY l.line_no""")
                .param("id", orderId)
                .query(OrderLine.class).list();
        BigDecimal total = lines.stream().map(OrderLine::lineTotalEur).reduce(BigDecimal.ZERO, BigDecimal::add);
        return new OrderDetails(header.id(), header.customerId(), header.customerName(), header.orderedOn(),
                header.status(), lines, total);
    }

    @Tool(name = "top_products", description = "Best-selling products by revenue in EUR, optionally within one category;"
            + " cancelled and returned orders are not counted")
    public List<ProductSales> topProducts(
            @ToolParam(required = false, description = "Product category, one of: " + CATEGORIES) String category,
            @ToolParam(required = false, description = "How many products (default 10, maximum 50)") Integer limit) {
        String filter = category == null || category.isBlank() ? "" : " WHERE LOWER(p.category) = LOWER(:category)";
        JdbcClient.StatementSpec statement = jdbc.sql("""
                        SELECT p.sku, p.name, p.category, p.price_eur,
                               COALESCE(SUM(s.quantity), 0) AS units_sold,
                               COALESCE(SUM(s.quantity * s.unit_price_eur), 0) AS revenue_eur
                        FROM products p LEFT JOIN (
                            SELECT l.sku, l.quantity, l.unit_price_eur FROM order_lines l JOIN orders o ON o.id = l.order_id
                            WHERE o.status NOT IN ('CANCELLED', 'RETURNED')) s ON s.sku = p.sku"""
                        + filter + """

                        GROUP BY p.sku, p.name, p.category, p.price_eur
                        ORDER BY revenue_eur DESC, p.sku LIMIT :limit""")
                .param("limit", limit(limit == null ? 10 : limit, 50));
        if (!filter.isEmpty()) {
            statement = statement.param("category", category.strip());
        }
        List<ProductSales> ranked = new ArrayList<>();
        statement.query((rs, row) -> new ProductSales(row + 1, rs.getString("sku"), rs.getString("name"),
                rs.getString("category"), rs.getBigDecimal("price_eur"), rs.getInt("units_sold"),
                rs.getBigDecimal("revenue_eur"))).list().forEach(ranked::add);
        if (ranked.isEmpty()) {
            throw new NotFoundException("no category " + category + "; categories are " + CATEGORIES);
        }
        return ranked;
    }

    private record OrderHeader(int id, int customerId, String customerName, LocalDate orderedOn, String status) {
    }

    private void requireCustomer(int customerId) {
        boolean exists = jdbc.sql("SELECT COUNT(*) FROM customers WHERE id = :id").param("id", customerId)
                .query(Integer.class).single() > 0;
        if (!exists) {
            throw new NotFoundException("no customer with id " + customerId);
        }
    }

    private static int limit(Integer requested, int max) {
        if (requested == null) {
            return max;
        }
        if (requested < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + requested);
        }
        return Math.min(requested, max);
    }
}
