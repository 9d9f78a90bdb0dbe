package io.tokenguard.it.programs.host;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** {@code Log4jHost <url> <calls>}: the same as {@link Slf4jHost}, logging through the Log4j 2 API. */
public final class Log4jHost {
    private static final Logger LOG = LogManager.getLogger(Log4jHost.class);

    public static void main(String[] args) {
        HostCalls.script(args, LogManager.getContext(false).getClass().getName(), LOG::info, LOG::debug, LOG::warn,
                message -> LogManager.getLogger("host.other").error(message));
    }
}
