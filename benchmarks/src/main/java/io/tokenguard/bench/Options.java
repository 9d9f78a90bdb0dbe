package io.tokenguard.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** A benchmark's {@code key=value} arguments. */
public final class Options {
    private Options() {}

    public static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("options are key=value, not " + arg);
            }
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return options;
    }
}
