package io.tokenguard.store;

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
    static Stored read(PointerScanner.Scalar value) {
        switch (value.kind) {
            case MISSING:
            case NULL:
                return null;
            case NUMBER:
                try {
                    return fromNumber(value.text, false);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("is not a number");
                }
            case STRING:
                String text = value.text.trim();
                if (text.isEmpty()) {
                    return null;
                }
                if (Decimal.PATTERN.matcher(text).matches()) {
                    return fromNumber(text, true);
                }
                try {
                    // Accepts both "...Z" and explicit offsets such as "+02:00".
                    return new Stored(OffsetDateTime.parse(text).toInstant(), ISO_8601, false);
                } catch (DateTimeException e) {
                    throw new IllegalArgumentException("is not an ISO-8601 date-time or an epoch number");
                }
            default:
                throw new IllegalArgumentException("is neither a number nor a string");
        }
    }

    /** Whole numbers, the usual case, without BigDecimal (which the agent's start would load only for this). */
    private static Stored fromNumber(String text, boolean quoted) {
        if (text.isEmpty() || text.length() > 18) {
            return fromNumber(new BigDecimal(text), quoted);
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return fromNumber(new BigDecimal(text), quoted);
            }
        }
        long value = Long.parseLong(text);
        if (value <= 0) {
            return null;
        }
        boolean millis = value > MILLIS_THRESHOLD;
        return new Stored(Instant.ofEpochMilli(millis ? value : value * 1000), millis ? EPOCH_MILLIS : EPOCH_SECONDS,
                quoted);
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

    /** Compiled only when a file stores its expiry as a numeric string, not at every start. */
    private static final class Decimal {
        static final Pattern PATTERN = Pattern.compile("[0-9]+(\\.[0-9]+)?");

        private Decimal() {}
    }
}
