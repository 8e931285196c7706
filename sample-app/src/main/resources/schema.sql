-- The shop's tables. Spring Boot runs this on the embedded H2 database at start-up (spring.sql.init);
-- SampleDataSeeder then fills them with the same deterministic rows every time.
CREATE TABLE customers (
    id       INT          PRIMARY KEY,
    name     VARCHAR(100) NOT NULL,
    email    VARCHAR(200) NOT NULL UNIQUE,
    country  CHAR(2)      NOT NULL,   -- ISO 3166-1 alpha-2
    tier     VARCHAR(10)  NOT NULL,   -- BRONZE, SILVER, GOLD, PLATINUM
    since    DATE         NOT NULL
);

CREATE TABLE products (
    sku       VARCHAR(20)   PRIMARY KEY,
    name      VARCHAR(200)  NOT NULL,
    category  VARCHAR(50)   NOT NULL,
    price_eur DECIMAL(10,2) NOT NULL
);

CREATE TABLE orders (
    id          INT         PRIMARY KEY,
    customer_id INT         NOT NULL REFERENCES customers(id),
    ordered_on  DATE        NOT NULL,
    status      VARCHAR(12) NOT NULL  -- PROCESSING, SHIPPED, DELIVERED, CANCELLED, RETURNED
);

CREATE TABLE order_lines (
    order_id       INT           NOT NULL REFERENCES orders(id),
    line_no        INT           NOT NULL,
    sku            VARCHAR(20)   NOT NULL REFERENCES products(sku),
    quantity       INT           NOT NULL,
    unit_price_eur DECIMAL(10,2) NOT NULL,  -- the price paid (kept per line, as list prices change)
    PRIMARY KEY (order_id, line_no)
);

CREATE INDEX orders_by_customer ON orders(customer_id);
CREATE INDEX lines_by_sku ON order_lines(sku);
