package io.tokenguard.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;

/** Durations as users write them: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h} or a bare number of seconds. */
public final class Durations {
    private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

    private Durations() {}

    /**
     * Parses {@code value} ({@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d} or a bare number of
     * seconds; decimals allowed: {@code 1.5} is 1500 ms). Negative values are rejected.
     *
     * @param key the key (without {@code tokenguard.}) named in the exception
     */
    public static Duration parse(String key, String value) throws ConfigException {
        String v = value == null ? "" : value.trim();
        int n = v.length();
        int i = 0;
        int intDigits = 0;
        int fracDigits = 0;
        boolean dot = false;
        while (i < n) {
            char c = v.charAt(i);
            if (c >= '0' && c <= '9') {
                if (dot) {
                    fracDigits++;
                } else {
                    intDigits++;
                }
            } else if (c == '.' && !dot) {
                dot = true;
            } else {
                break;
            }
            i++;
        }
        if (v.startsWith("-")) {
            throw new ConfigException(key, Settings.PREFIX + key + ": " + Settings.quote(v)
                    + " is negative; use 0 or more, e.g. 250ms, 30s, 5m, 1h or a number of seconds");
        }
        if (intDigits + fracDigits == 0 || (dot && fracDigits == 0)) {
            throw notADuration(key, v);
        }
        long unitNanos;
        switch (v.substring(i).trim().toLowerCase(Locale.ROOT)) {
            case "":
            case "s":
                unitNanos = 1_000_000_000L;
                break;
            case "ms":
                unitNanos = 1_000_000L;
                break;
            case "m":
                unitNanos = 60_000_000_000L;
                break;
            case "h":
                unitNanos = 3_600_000_000_000L;
                break;
            case "d":
                unitNanos = 86_400_000_000_000L;
                break;
            default:
                throw notADuration(key, v);
        }
        BigDecimal nanos = new BigDecimal(v.substring(0, i)).multiply(BigDecimal.valueOf(unitNanos));
        if (nanos.compareTo(MAX_NANOS) > 0) {
            throw new ConfigException(key, Settings.PREFIX + key + ": " + Settings.quote(v)
                    + " is too long; use a duration such as 30s, 5m or 1h");
        }
        return Duration.ofNanos(nanos.longValue());
    }

    /** The shortest exact form: {@code 1h}, {@code 5m}, {@code 30s}, {@code 250ms} (sub-millisecond parts dropped). */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 3_600_000L == 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms != 0 && ms % 60_000L == 0) {
            return ms / 60_000L + "m";
        }
        if (ms % 1000L == 0) {
            return ms / 1000L + "s";
        }
        return ms + "ms";
    }

    private static ConfigException notADuration(String key, String v) {
        return new ConfigException(key, Settings.PREFIX + key + ": " + Settings.quote(v)
                + " is not a duration; use 250ms, 30s, 5m, 1h or a number of seconds");
    }
}
