package io.tokenguard.it.programs.host;

import java.util.logging.Logger;

/**
 * {@code JulHost <url> <calls>}: the same as {@link Slf4jHost}, logging through plain
 * {@code java.util.logging} as configured by {@code -Djava.util.logging.config.file}.
 */
public final class JulHost {
    private static final Logger LOG = Logger.getLogger(JulHost.class.getName());

    public static void main(String[] args) {
        HostCalls.script(args, Logger.getLogger("").getHandlers().length + " root handler(s)", LOG::info, LOG::fine, LOG::warning,
                message -> Logger.getLogger("host.other").severe(message));
    }
}
