package io.tokenguard.it.suite.program;

/** What the program got back. */
public final class Reply {
    public final int status;
    public final String body;

    public Reply(int status, String body) {
        this.status = status;
        this.body = body;
    }
}
