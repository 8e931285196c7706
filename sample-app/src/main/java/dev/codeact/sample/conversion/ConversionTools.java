package dev.codeact.sample.conversion;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import org.springframework.stereotype.Component;

/**
 * Currency and unit conversions. The exchange rates are SAMPLE DATA: a fixed table of euro reference rates,
 * not market data; a real application would call its rates provider here.
 */
@Component
public class ConversionTools {
    /** The date the sample rates pretend to be from. */
    public static final LocalDate RATES_AS_OF = LocalDate.of(2025, 1, 15);
    /** Units of each currency for one euro (sample data, fixed). */
    static final Map<String, BigDecimal> PER_EUR = rates(
            "EUR", "1", "USD", "1.0850", "GBP", "0.8450", "CHF", "0.9420", "JPY", "163.20", "SEK", "11.38",
            "NOK", "11.62", "DKK", "7.4600", "PLN", "4.3150", "CZK", "25.10", "CAD", "1.4750", "AUD", "1.6420");

    /**
     * An exchange rate.
     *
     * @param from the currency converted from (ISO 4217)
     * @param to the currency converted to (ISO 4217)
     * @param rate units of {@code to} for one unit of {@code from}
     * @param asOf the date of the rate
     * @param source where the rate comes from
     */
    public record ExchangeRate(String from, String to, BigDecimal rate, LocalDate asOf, String source) {
    }

    /**
     * A converted quantity.
     *
     * @param quantity what was converted: length, mass or temperature
     * @param value the value given
     * @param from its unit
     * @param result the value in the target unit
     * @param to the target unit
     */
    public record Conversion(String quantity, double value, String from, double result, String to) {
    }

    @Tool(name = "exchange_rate", description = "Exchange rate between two currencies: multiply an amount in 'from' by"
            + " rate to get it in 'to'. Fixed sample rates (EUR reference rates), not live market data")
    public ExchangeRate exchangeRate(
            @ToolParam(description = "ISO 4217 code of the currency to convert from, e.g. EUR") String from,
            @ToolParam(description = "ISO 4217 code of the currency to convert to, e.g. USD") String to) {
        String f = currency(from);
        String t = currency(to);
        BigDecimal rate = PER_EUR.get(t).divide(PER_EUR.get(f), new MathContext(8, RoundingMode.HALF_EVEN))
                .stripTrailingZeros();
        if (rate.scale() < 0) {
            rate = rate.setScale(0);
        }
        return new ExchangeRate(f, t, rate, RATES_AS_OF, "sample data: fixed EUR reference rates, not market data");
    }

    @Tool(name = "convert_units", description = "Convert a length, mass or temperature between units."
            + " Length: mm, cm, m, km, in, ft, yd, mi. Mass: mg, g, kg, t, oz, lb, st. Temperature: C, F, K")
    public Conversion convertUnits(
            @ToolParam(description = "The value to convert") double value,
            @ToolParam(description = "The unit of the value, e.g. km, lb, C") String from,
            @ToolParam(description = "The unit to convert to, e.g. mi, kg, F") String to) {
        Unit f = Unit.of(from);
        Unit t = Unit.of(to);
        if (f.quantity != t.quantity) {
            throw new IllegalArgumentException("cannot convert " + f.quantity.label + " (" + f.symbol + ") to "
                    + t.quantity.label + " (" + t.symbol + ")");
        }
        double base = f.quantity == Quantity.TEMPERATURE ? toKelvin(value, f) : value * f.factor;
        double result = f.quantity == Quantity.TEMPERATURE ? fromKelvin(base, t) : base / t.factor;
        return new Conversion(f.quantity.label, value, f.symbol, round(result), t.symbol);
    }

    private static String currency(String code) {
        String c = code == null ? "" : code.strip().toUpperCase(Locale.ROOT);
        if (!PER_EUR.containsKey(c)) {
            throw new IllegalArgumentException("unknown currency '" + code + "'; known: " + String.join(", ", PER_EUR.keySet()));
        }
        return c;
    }

    private static double toKelvin(double v, Unit u) {
        return switch (u.symbol) {
            case "C" -> v + 273.15;
            case "F" -> (v - 32) * 5 / 9 + 273.15;
            default -> v;
        };
    }

    private static double fromKelvin(double k, Unit u) {
        return switch (u.symbol) {
            case "C" -> k - 273.15;
            case "F" -> (k - 273.15) * 9 / 5 + 32;
            default -> k;
        };
    }

    /** Twelve significant digits: enough for any unit conversion, and hides binary noise like 0.30000000000000004. */
    private static double round(double v) {
        return v == 0 || !Double.isFinite(v) ? v : new BigDecimal(v).round(new MathContext(12, RoundingMode.HALF_EVEN)).doubleValue();
    }

    private enum Quantity {
        LENGTH("length"), MASS("mass"), TEMPERATURE("temperature");

        final String label;

        Quantity(String label) {
            this.label = label;
        }
    }

    /** A unit: its symbol, the size of one unit in the base unit (m, kg; unused for temperatures), aliases. */
    private enum Unit {
        MM(Quantity.LENGTH, "mm", 0.001, "millimeter", "millimetre"),
        CM(Quantity.LENGTH, "cm", 0.01, "centimeter", "centimetre"),
        M(Quantity.LENGTH, "m", 1, "meter", "metre"),
        KM(Quantity.LENGTH, "km", 1000, "kilometer", "kilometre"),
        IN(Quantity.LENGTH, "in", 0.0254, "inch", "inches"),
        FT(Quantity.LENGTH, "ft", 0.3048, "foot", "feet"),
        YD(Quantity.LENGTH, "yd", 0.9144, "yard", "yards"),
        MI(Quantity.LENGTH, "mi", 1609.344, "mile", "miles"),
        MG(Quantity.MASS, "mg", 1e-6, "milligram"),
        G(Quantity.MASS, "g", 0.001, "gram"),
        KG(Quantity.MASS, "kg", 1, "kilogram"),
        T(Quantity.MASS, "t", 1000, "tonne", "metric ton"),
        OZ(Quantity.MASS, "oz", 0.028349523125, "ounce", "ounces"),
        LB(Quantity.MASS, "lb", 0.45359237, "lbs", "pound", "pounds"),
        ST(Quantity.MASS, "st", 6.35029318, "stone"),
        C(Quantity.TEMPERATURE, "C", 1, "°C", "celsius"),
        F(Quantity.TEMPERATURE, "F", 1, "°F", "fahrenheit"),
        K(Quantity.TEMPERATURE, "K", 1, "kelvin");

        final Quantity quantity;
        final String symbol;
        final double factor;
        final Set<String> names;

        Unit(Quantity quantity, String symbol, double factor, String... aliases) {
            this.quantity = quantity;
            this.symbol = symbol;
            this.factor = factor;
            this.names = java.util.stream.Stream.concat(java.util.stream.Stream.of(symbol), java.util.Arrays.stream(aliases))
                    .map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        }

        static Unit of(String name) {
            String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
            for (Unit u : values()) {
                if (u.names.contains(n)) {
                    return u;
                }
            }
            throw new IllegalArgumentException("unknown unit '" + name + "'; known: " + List.of(values()).stream()
                    .map(u -> u.symbol).collect(Collectors.joining(", ")));
        }
    }

    private static Map<String, BigDecimal> rates(String... codeAndRate) {
        Map<String, BigDecimal> rates = new LinkedHashMap<>();
        for (int i = 0; i < codeAndRate.length; i += 2) {
            rates.put(codeAndRate[i], new BigDecimal(codeAndRate[i + 1]));
        }
        return java.util.Collections.unmodifiableMap(rates);
    }
}
