package io.tokenguard.it.programs.host;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Slf4jHost <url> <calls>}: a program that logs through the SLF4J API with whatever binding and
 * configuration its class path and system properties give it (Logback 1.2 with SLF4J 1.7, or Logback 1.5
 * with SLF4J 2), and makes guarded calls. Its log lines do not depend on the answers.
 */
public final class Slf4jHost {
    private static final Logger LOG = LoggerFactory.getLogger(Slf4jHost.class);

    public static void main(String[] args) {
        HostCalls.script(args, LoggerFactory.getILoggerFactory().getClass().getName(), LOG::info, LOG::debug, LOG::warn,
                message -> LoggerFactory.getLogger("host.other").error(message));
    }
}
