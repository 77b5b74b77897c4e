package org.example;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs labelled checks, prints {@code ok <label>} / {@code FAIL <label>: reason} /
 * {@code skip <label>} and the closing {@code <name>: N passed, M failed} line.
 * Labels listed in -Dpeer.skip=a,b (exact, or a prefix ending in '*') are skipped.
 */
final class Checks {
    interface Call {
        Object run() throws Throwable;
    }

    interface Verdict {
        /** Returns null when the value is right, else the reason it is wrong. */
        String judge(Object value) throws Throwable;
    }

    private final String name;
    private final Set<String> skip = new HashSet<>();
    private final AtomicInteger passed = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();

    Checks(String name) {
        this.name = name;
        String s = System.getProperty("peer.skip", "");
        for (String label : s.split(",")) {
            if (!label.isBlank()) {
                skip.add(label.trim());
            }
        }
    }

    /** Kills the run if it takes longer than {@code seconds}, reporting what it has. */
    void watchdog(long seconds) {
        Thread t = new Thread(() -> {
            try {
                TimeUnit.SECONDS.sleep(seconds);
            } catch (InterruptedException e) {
                return;
            }
            System.out.println("FAIL watchdog: the run took longer than " + seconds + " s");
            failed.incrementAndGet();
            System.out.println(summary());
            System.out.flush();
            Runtime.getRuntime().halt(1);
        }, "peer-watchdog");
        t.setDaemon(true);
        t.start();
    }

    private boolean skipped(String label) {
        for (String s : skip) {
            if (s.equals(label) || (s.endsWith("*") && label.startsWith(s.substring(0, s.length() - 1)))) {
                System.out.println("skip " + label);
                return true;
            }
        }
        return false;
    }

    /** The call must return a value deep-equal to {@code expected} (arrays by content). */
    void eq(String label, Object expected, Call call) {
        that(label, call, v -> Objects.deepEquals(expected, v) ? null
                : "expected " + show(expected) + ", got " + show(v));
    }

    /** The call must return a value accepted by {@code verdict}. */
    void that(String label, Call call, Verdict verdict) {
        if (skipped(label)) {
            return;
        }
        String reason;
        try {
            Object v = call.run();
            reason = verdict.judge(v);
        } catch (Throwable e) {
            reason = "threw " + oneLine(e);
            System.err.println("[" + label + "] unexpected exception:");
            e.printStackTrace();
        }
        report(label, reason);
    }

    /** The call must throw something accepted by {@code verdict}. */
    void throwsThat(String label, Call call, Verdict verdict) {
        if (skipped(label)) {
            return;
        }
        String reason;
        try {
            Object v = call.run();
            reason = "returned " + show(v) + " instead of throwing";
        } catch (Throwable e) {
            try {
                reason = verdict.judge(e);
            } catch (Throwable e2) {
                reason = "verdict threw " + oneLine(e2);
            }
        }
        report(label, reason);
    }

    private void report(String label, String reason) {
        if (reason == null) {
            passed.incrementAndGet();
            System.out.println("ok " + label);
        } else {
            failed.incrementAndGet();
            System.out.println("FAIL " + label + ": " + reason);
        }
    }

    String summary() {
        return name + ": " + passed.get() + " passed, " + failed.get() + " failed";
    }

    int exitCode() {
        return failed.get() == 0 && passed.get() > 0 ? 0 : 1;
    }

    static String show(Object v) {
        if (v == null) {
            return "null";
        }
        String s;
        if (v instanceof byte[]) {
            byte[] b = (byte[]) v;
            s = "byte[" + b.length + "]" + (b.length <= 16 ? Arrays.toString(b) : "");
        } else if (v instanceof Object[]) {
            s = Arrays.deepToString((Object[]) v);
        } else if (v instanceof int[]) {
            s = Arrays.toString((int[]) v);
        } else {
            s = String.valueOf(v);
        }
        if (s.length() > 200) {
            s = s.substring(0, 200) + "...(" + s.length() + " chars)";
        }
        return s + " (" + v.getClass().getName() + ")";
    }

    static String oneLine(Throwable e) {
        String m = e.getClass().getName() + ": " + e.getMessage();
        m = m.replace('\n', ' ').replace('\r', ' ');
        return m.length() > 300 ? m.substring(0, 300) + "..." : m;
    }
}
