package io.tokenguard.bench;

/** What a child JVM runs with. */
public enum Arm {
    /** No agent at all. */
    NONE("without"),
    /** {@code -javaagent:tokenguard-agent.jar}, configured for the benchmark's servers. */
    TOKENGUARD("tokenguard"),
    /** The OpenTelemetry Java agent from Maven Central with every exporter off, for reference. */
    OPENTELEMETRY("opentelemetry");

    public final String label;

    Arm(String label) {
        this.label = label;
    }
}
