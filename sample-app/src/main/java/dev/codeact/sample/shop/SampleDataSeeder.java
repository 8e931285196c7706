package dev.codeact.sample.shop;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Fills the shop with sample data: 100 customers, 50 products, 300 orders and their lines. The rows come from a
 * fixed-seed {@link Random} (whose algorithm the JDK specifies), so every start on every machine produces the
 * same database; tests and the README rely on that. Runs after {@code schema.sql} and before the web server
 * accepts requests, and only on an empty database.
 */
@Component
@DependsOnDatabaseInitialization
public class SampleDataSeeder implements InitializingBean {
    private static final Logger log = LoggerFactory.getLogger(SampleDataSeeder.class);
    private static final long SEED = 20250115L;
    static final int CUSTOMERS = 100;
    static final int ORDERS = 300;
    static final int FIRST_ORDER_ID = 5001;

    /** A product as listed: SKU, name, category, price in EUR. */
    record Product(String sku, String name, String category, String priceEur) {
    }

    static final List<Product> PRODUCTS = List.of(
            new Product("KB-001", "Mechanical keyboard, brown switches", "Keyboards", "89.90"),
            new Product("KB-002", "Mechanical keyboard, silent red switches", "Keyboards", "99.90"),
            new Product("KB-003", "Low-profile wireless keyboard", "Keyboards", "69.00"),
            new Product("KB-004", "Ergonomic split keyboard", "Keyboards", "149.00"),
            new Product("KB-005", "Compact 60% keyboard", "Keyboards", "59.50"),
            new Product("KB-006", "Numeric keypad, wireless", "Keyboards", "24.90"),
            new Product("MS-001", "Wireless mouse", "Mice", "29.90"),
            new Product("MS-002", "Vertical ergonomic mouse", "Mice", "49.00"),
            new Product("MS-003", "Gaming mouse, 26k DPI", "Mice", "79.90"),
            new Product("MS-004", "Trackball", "Mice", "64.00"),
            new Product("MS-005", "Travel mouse, Bluetooth", "Mice", "19.90"),
            new Product("MS-006", "Large desk mat, felt", "Mice", "22.50"),
            new Product("MN-001", "24\" monitor, 1080p IPS", "Monitors", "139.00"),
            new Product("MN-002", "27\" monitor, 1440p IPS", "Monitors", "259.00"),
            new Product("MN-003", "27\" monitor, 4K USB-C", "Monitors", "429.00"),
            new Product("MN-004", "34\" ultrawide monitor", "Monitors", "549.00"),
            new Product("MN-005", "Portable 15.6\" monitor", "Monitors", "179.00"),
            new Product("MN-006", "Monitor arm, dual", "Monitors", "89.00"),
            new Product("AU-001", "Noise-cancelling headphones", "Audio", "249.00"),
            new Product("AU-002", "Wireless earbuds", "Audio", "129.00"),
            new Product("AU-003", "USB condenser microphone", "Audio", "99.00"),
            new Product("AU-004", "Desktop speakers, 2.0", "Audio", "119.00"),
            new Product("AU-005", "Headset with boom microphone", "Audio", "59.90"),
            new Product("AU-006", "USB audio interface", "Audio", "139.00"),
            new Product("ST-001", "External SSD 1 TB", "Storage", "94.90"),
            new Product("ST-002", "External SSD 2 TB", "Storage", "159.00"),
            new Product("ST-003", "NVMe SSD 2 TB", "Storage", "129.00"),
            new Product("ST-004", "USB stick 128 GB", "Storage", "14.90"),
            new Product("ST-005", "microSD card 256 GB", "Storage", "27.90"),
            new Product("ST-006", "2-bay NAS enclosure", "Storage", "319.00"),
            new Product("NW-001", "Wi-Fi 6 router", "Networking", "119.00"),
            new Product("NW-002", "Mesh Wi-Fi system, 3 nodes", "Networking", "279.00"),
            new Product("NW-003", "8-port gigabit switch", "Networking", "34.90"),
            new Product("NW-004", "USB-C 2.5G Ethernet adapter", "Networking", "32.00"),
            new Product("NW-005", "Powerline adapter kit", "Networking", "69.90"),
            new Product("CB-001", "USB-C cable 1 m, 100 W", "Cables", "12.90"),
            new Product("CB-002", "USB-C to HDMI cable 2 m", "Cables", "17.90"),
            new Product("CB-003", "DisplayPort cable 2 m", "Cables", "11.50"),
            new Product("CB-004", "Cat 6 patch cable 5 m", "Cables", "7.90"),
            new Product("CB-005", "USB-C hub, 7 ports", "Cables", "44.90"),
            new Product("CB-006", "Thunderbolt 4 dock", "Cables", "289.00"),
            new Product("FN-001", "Standing desk frame", "Furniture", "389.00"),
            new Product("FN-002", "Ergonomic office chair", "Furniture", "429.00"),
            new Product("FN-003", "Laptop stand, aluminium", "Furniture", "39.90"),
            new Product("FN-004", "Footrest, adjustable", "Furniture", "34.50"),
            new Product("FN-005", "Desk lamp, LED", "Furniture", "49.90"),
            new Product("PW-001", "USB-C charger 65 W", "Power", "39.90"),
            new Product("PW-002", "Power bank 20,000 mAh", "Power", "49.90"),
            new Product("PW-003", "Surge-protected power strip", "Power", "29.90"),
            new Product("PW-004", "Uninterruptible power supply 850 VA", "Power", "129.00"));

    private static final String[] FIRST_NAMES = {"Anna", "Lukas", "Sofia", "Matteo", "Emma", "Noah", "Mia", "Leon",
            "Chloé", "Hugo", "Lucía", "Mateo", "Freya", "Oscar", "Ingrid", "Lars", "Zofia", "Jakub", "Aoife", "Cian",
            "Inês", "Tiago", "Eva", "Daan", "Giulia", "Lorenzo", "Elena", "Pablo", "Sara", "Felix", "Clara", "Jonas",
            "Léa", "Louis", "Maja", "Elias", "Nora", "Henrik", "Olivia", "James"};
    private static final String[] LAST_NAMES = {"Müller", "Schmidt", "Rossi", "Bianchi", "Martin", "Bernard", "García",
            "Fernández", "Jansen", "de Vries", "Nowak", "Kowalski", "Andersson", "Johansson", "Murphy", "Kelly",
            "Silva", "Santos", "Dubois", "Moreau", "Gruber", "Huber", "Peeters", "Janssens", "Novák", "Svoboda",
            "Nielsen", "Hansen", "Smith", "Brown", "Keller", "Weber", "Romano", "Costa", "Lindqvist", "Virtanen"};
    /** Countries, weighted by how often they occur. */
    private static final String[] COUNTRIES = {"DE", "DE", "DE", "DE", "FR", "FR", "FR", "NL", "NL", "ES", "ES", "IT",
            "IT", "AT", "BE", "IE", "PT", "SE", "PL", "CZ", "DK", "FI", "GB", "GB", "CH", "US"};

    private final JdbcTemplate jdbc;

    public SampleDataSeeder(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void afterPropertiesSet() {
        Integer existing = jdbc.queryForObject("SELECT COUNT(*) FROM customers", Integer.class);
        if (existing != null && existing > 0) {
            log.info("Sample data already present ({} customers), not seeding", existing);
            return;
        }
        Random random = new Random(SEED);
        jdbc.batchUpdate("INSERT INTO products (sku, name, category, price_eur) VALUES (?, ?, ?, ?)",
                PRODUCTS.stream().map(p -> new Object[] {p.sku(), p.name(), p.category(), new BigDecimal(p.priceEur())})
                        .toList());
        List<Object[]> customers = customers(random);
        jdbc.batchUpdate("INSERT INTO customers (id, name, email, country, tier, since) VALUES (?, ?, ?, ?, ?, ?)",
                customers);
        List<Object[]> orders = new ArrayList<>();
        List<Object[]> lines = new ArrayList<>();
        orders(random, customers, orders, lines);
        jdbc.batchUpdate("INSERT INTO orders (id, customer_id, ordered_on, status) VALUES (?, ?, ?, ?)", orders);
        jdbc.batchUpdate("INSERT INTO order_lines (order_id, line_no, sku, quantity, unit_price_eur) VALUES (?, ?, ?, ?, ?)",
                lines);
        log.info("Seeded {} customers, {} products, {} orders with {} lines", customers.size(), PRODUCTS.size(),
                orders.size(), lines.size());
    }

    /** Three well-known customers first (handy in examples), then generated ones with unique e-mail addresses. */
    private static List<Object[]> customers(Random random) {
        List<Object[]> rows = new ArrayList<>();
        rows.add(new Object[] {1, "Ada Lovelace", "ada.lovelace@example.com", "GB", "PLATINUM", LocalDate.of(2019, 3, 4)});
        rows.add(new Object[] {2, "Grace Hopper", "grace.hopper@example.com", "US", "GOLD", LocalDate.of(2020, 6, 18)});
        rows.add(new Object[] {3, "Alan Turing", "alan.turing@example.com", "GB", "SILVER", LocalDate.of(2021, 11, 2)});
        Set<String> emails = new LinkedHashSet<>();
        for (int id = rows.size() + 1; id <= CUSTOMERS; id++) {
            String first = FIRST_NAMES[random.nextInt(FIRST_NAMES.length)];
            String last = LAST_NAMES[random.nextInt(LAST_NAMES.length)];
            String base = ascii(first) + "." + ascii(last);
            String email = base + "@example.com";
            for (int n = 2; !emails.add(email); n++) {
                email = base + n + "@example.com";
            }
            int roll = random.nextInt(100);
            String tier = roll < 50 ? "BRONZE" : roll < 80 ? "SILVER" : roll < 95 ? "GOLD" : "PLATINUM";
            LocalDate since = LocalDate.of(2018, 1, 1).plusDays(random.nextInt(7 * 365));
            rows.add(new Object[] {id, first + " " + last, email, COUNTRIES[random.nextInt(COUNTRIES.length)], tier, since});
        }
        return rows;
    }

    /** 300 orders in 2024 and 2025; higher tiers order more often; 1 to 4 distinct products per order. */
    private static void orders(Random random, List<Object[]> customers, List<Object[]> orders, List<Object[]> lines) {
        List<Integer> weighted = new ArrayList<>();
        for (Object[] c : customers) {
            int weight = switch ((String) c[4]) {
                case "PLATINUM" -> 6;
                case "GOLD" -> 4;
                case "SILVER" -> 2;
                default -> 1;
            };
            for (int i = 0; i < weight; i++) {
                weighted.add((Integer) c[0]);
            }
        }
        LocalDate start = LocalDate.of(2024, 1, 1);
        List<LocalDate> dates = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
            dates.add(start.plusDays(random.nextInt(731)));
        }
        dates.sort(null); // order ids increase with the date, as in a real shop
        LocalDate recent = LocalDate.of(2025, 12, 10);
        for (int i = 0; i < ORDERS; i++) {
            int orderId = FIRST_ORDER_ID + i;
            int customerId = weighted.get(random.nextInt(weighted.size()));
            LocalDate date = dates.get(i);
            int roll = random.nextInt(100);
            String status = date.isAfter(recent) ? (roll < 50 ? "PROCESSING" : "SHIPPED")
                    : roll < 84 ? "DELIVERED" : roll < 94 ? "CANCELLED" : "RETURNED";
            orders.add(new Object[] {orderId, customerId, date, status});
            int lineCount = 1 + random.nextInt(4);
            Set<Product> chosen = new LinkedHashSet<>();
            while (chosen.size() < lineCount) {
                chosen.add(PRODUCTS.get(random.nextInt(PRODUCTS.size())));
            }
            int lineNo = 1;
            for (Product p : chosen) {
                double price = Double.parseDouble(p.priceEur());
                int maxQuantity = price < 20 ? 5 : price < 50 ? 3 : 1; // cables by the handful, monitors one at a time
                int quantity = 1 + random.nextInt(maxQuantity);
                lines.add(new Object[] {orderId, lineNo++, p.sku(), quantity, new BigDecimal(p.priceEur())});
            }
        }
    }

    /** The name as it appears in an e-mail address: lower case, accents and spaces dropped. */
    private static String ascii(String name) {
        return java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFD)
                .replaceAll("\\p{M}", "").replace(" ", "").toLowerCase(java.util.Locale.ROOT);
    }
}
