package dev.codeact.sample.shop;

import dev.codeact.sample.shop.ShopRecords.OrderDetails;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import org.springframework.context.annotation.Conditional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The sample's one tool that changes data, the one to approve: a bean of its own so that it exists only where it is
 * offered ({@code sample.tools.cancel-order.enabled}, or {@code codeact.tools.approval-required} naming it, as the
 * {@code sessions} profile does). Without either the model gets the read-only tools it always got.
 */
@Component
@Conditional(CancelOrderOffered.class)
public class CancelOrderTool {
    private final JdbcClient jdbc;
    private final ShopTools shop;

    public CancelOrderTool(JdbcClient jdbc, ShopTools shop) {
        this.jdbc = jdbc;
        this.shop = shop;
    }

    @Tool(name = "cancel_order", description = "Cancel an order: its status becomes CANCELLED. Returns the order as"
            + " order_details shows it afterwards")
    public OrderDetails cancelOrder(@ToolParam(description = "The order id, e.g. 5001") int orderId) {
        int updated = jdbc.sql("UPDATE orders SET status = 'CANCELLED' WHERE id = :id AND status <> 'CANCELLED'")
                .param("id", orderId)
                .update();
        OrderDetails order = shop.orderDetails(orderId);   // throws NotFoundException for an order that does not exist
        if (updated == 0) {
            throw new IllegalStateException("order " + orderId + " is already CANCELLED");
        }
        return order;
    }
}
