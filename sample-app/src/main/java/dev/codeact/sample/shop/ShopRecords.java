package dev.codeact.sample.shop;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/**
 * What the shop tools return. Records, not strings: Spring AI turns them into JSON for the program, and the
 * CodeAct starter declares their shape to the model as the return type of each {@code call_tool} overload.
 */
public final class ShopRecords {
    private ShopRecords() {
    }

    /**
     * A customer.
     *
     * @param id numeric customer id
     * @param name full name
     * @param email e-mail address
     * @param country ISO 3166-1 alpha-2 country code, e.g. DE
     * @param tier loyalty tier: BRONZE, SILVER, GOLD or PLATINUM
     * @param customerSince the date the customer registered (ISO yyyy-mm-dd)
     */
    public record Customer(int id, String name, String email, String country, String tier, LocalDate customerSince) {
    }

    /**
     * One order without its lines.
     *
     * @param id order id
     * @param orderedOn the order date (ISO yyyy-mm-dd)
     * @param status PROCESSING, SHIPPED, DELIVERED, CANCELLED or RETURNED
     * @param items number of items (sum of the line quantities)
     * @param totalEur order total in EUR
     */
    public record OrderSummary(int id, LocalDate orderedOn, String status, int items, BigDecimal totalEur) {
    }

    /**
     * One order line.
     *
     * @param lineNo position in the order, from 1
     * @param sku product SKU
     * @param product product name
     * @param category product category
     * @param quantity units ordered
     * @param unitPriceEur price paid per unit, in EUR
     * @param lineTotalEur quantity times unit price, in EUR
     */
    public record OrderLine(int lineNo, String sku, String product, String category, int quantity,
            BigDecimal unitPriceEur, BigDecimal lineTotalEur) {
    }

    /**
     * An order with its lines.
     *
     * @param id order id
     * @param customerId the customer who placed it
     * @param customerName that customer's name
     * @param orderedOn the order date (ISO yyyy-mm-dd)
     * @param status PROCESSING, SHIPPED, DELIVERED, CANCELLED or RETURNED
     * @param lines the order lines
     * @param totalEur order total in EUR
     */
    public record OrderDetails(int id, int customerId, String customerName, LocalDate orderedOn, String status,
            List<OrderLine> lines, BigDecimal totalEur) {
    }

    /**
     * A product with what it sold (cancelled and returned orders not counted).
     *
     * @param rank 1 for the best seller
     * @param sku product SKU
     * @param name product name
     * @param category product category
     * @param priceEur current list price in EUR
     * @param unitsSold units sold
     * @param revenueEur revenue in EUR
     */
    public record ProductSales(int rank, String sku, String name, String category, BigDecimal priceEur, int unitsSold,
            BigDecimal revenueEur) {
    }
}
