package io.tokenguard.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.regex.Pattern;

/** How a credentials file writes its expiry time. A refresh writes it back in the form the file used. */
public enum ExpiryFormat {
    EPOCH_SECONDS,
    EPOCH_MILLIS,
    ISO_8601;

    /** Numbers above this are milliseconds: read as seconds they would lie past the year 5000. */
    static final long MILLIS_THRESHOLD = 100_000_000_000L;

    private static final Pattern NUMBER = Pattern.compile("[0-9]+(\\.[0-9]+)?");

    /** A stored expiry: when, in which format, and whether a number was written as a JSON string. */
    static final class Stored {
        final Instant instant;
        final ExpiryFormat format;
        final boolean quoted;

        Stored(Instant instant, ExpiryFormat format, boolean quoted) {
            this.instant = instant;
            this.format = format;
            this.quoted = quoted;
        }
    }

    /**
     * Reads a stored expiry. Absent, null, empty and non-positive values give null: a blanked field
     * ({@code "expiresAt": 0}, written by a broken client) means "unknown", not 1970.
     *
     * @throws IllegalArgumentException when the value is not a timestamp in any supported form; the
     *     message never repeats the value
     */
    static Stored read(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (node.isNumber()) {
            return fromNumber(node.decimalValue(), false);
        }
        if (node.isTextual()) {
            String text = node.textValue().trim();
            if (text.isEmpty()) {
                return null;
            }
            if (NUMBER.matcher(text).matches()) {
                return fromNumber(new BigDecimal(text), true);
            }
            try {
                // Accepts both "...Z" and explicit offsets such as "+02:00".
                return new Stored(OffsetDateTime.parse(text).toInstant(), ISO_8601, false);
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("is not an ISO-8601 date-time or an epoch number");
            }
        }
        throw new IllegalArgumentException("is neither a number nor a string");
    }

    private static Stored fromNumber(BigDecimal value, boolean quoted) {
        if (value.signum() <= 0) {
            return null;
        }
        boolean millis = value.compareTo(BigDecimal.valueOf(MILLIS_THRESHOLD)) > 0;
        BigDecimal asMillis = millis ? value : value.movePointRight(3);
        try {
            long epochMilli = asMillis.setScale(0, RoundingMode.FLOOR).longValueExact();
            return new Stored(Instant.ofEpochMilli(epochMilli), millis ? EPOCH_MILLIS : EPOCH_SECONDS, quoted);
        } catch (ArithmeticException | DateTimeException e) {
            throw new IllegalArgumentException("is out of range");
        }
    }

    /**
     * The JSON value for {@code instant} in this format, as a string when {@code quoted} (numbers only).
     * Null when the value would not be positive: a 0 or a date before 1970 is never written.
     */
    JsonNode encode(Instant instant, boolean quoted) {
        if (!instant.isAfter(Instant.EPOCH)) {
            return null;
        }
        if (this == ISO_8601) {
            return TextNode.valueOf(instant.toString());
        }
        long number = this == EPOCH_MILLIS ? instant.toEpochMilli() : instant.getEpochSecond();
        if (number <= 0) {
            return null;
        }
        return quoted ? TextNode.valueOf(Long.toString(number)) : LongNode.valueOf(number);
    }
}
