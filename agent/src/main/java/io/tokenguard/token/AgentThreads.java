package io.tokenguard.token;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent's threads: daemon, named {@code tokenguard-*}, started only when there is work and gone
 * again after a minute idle, so that an idle host has no agent thread at all. They inherit no thread
 * locals from the host thread that happened to start them.
 */
public final class AgentThreads {
    private AgentThreads() {}

    /** One thread: work runs in order. */
    public static ExecutorService single(String name) {
        return pool(name, 1);
    }

    /** Up to {@code max} threads, for short callbacks that must never wait behind each other. */
    public static ExecutorService pool(String name, int max) {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(max, max, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new Named(name, max));
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    /** A class rather than a lambda: the agent's start spins no lambda classes in the host. */
    private static final class Named implements ThreadFactory {
        private final String name;
        private final int max;
        private final AtomicInteger count = new AtomicInteger();

        Named(String name, int max) {
            this.name = name;
            this.max = max;
        }

        @Override
        public Thread newThread(Runnable r) {
            String threadName = max == 1 ? "tokenguard-" + name : "tokenguard-" + name + "-" + count.incrementAndGet();
            Thread t = new Thread(null, r, threadName, 0, false);
            t.setDaemon(true);
            t.setContextClassLoader(AgentThreads.class.getClassLoader());
            return t;
        }
    }
}
