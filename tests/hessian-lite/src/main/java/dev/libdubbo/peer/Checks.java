package dev.libdubbo.peer;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.Objects;

/** Comparisons a Java user would make of a decoded value. */
final class Checks {
    private Checks() {}

    /** Same class and deeply equal (arrays by content); null if so, else why not. */
    static String sameAs(Object expected, Object actual) {
        if (expected == null || actual == null) {
            return expected == actual ? null : "expected " + show(expected) + ", got " + show(actual);
        }
        if (expected.getClass() != actual.getClass()) {
            return "expected a " + expected.getClass().getName() + ", got a " + actual.getClass().getName()
                + ": " + show(actual);
        }
        return Objects.deepEquals(expected, actual) ? null : "expected " + show(expected) + ", got " + show(actual);
    }

    /** Null when {@code ok}, else the message. */
    static String require(boolean ok, String message) {
        return ok ? null : message;
    }

    /** The first non-null of several checks. */
    static String firstFailure(String... results) {
        return Arrays.stream(results).filter(Objects::nonNull).findFirst().orElse(null);
    }

    /** A Throwable a Java caller can use: class, message, and a printable stack trace. */
    static String throwable(Object actual, Class<?> cls, String message) {
        if (!(actual instanceof Throwable t)) {
            return "not a Throwable: " + show(actual);
        }
        StringWriter trace = new StringWriter();
        try {
            t.printStackTrace(new PrintWriter(trace));
        } catch (RuntimeException e) {
            return "printStackTrace failed: " + e;
        }
        return firstFailure(
            require(t.getClass() == cls, "class " + t.getClass().getName() + " != " + cls.getName()),
            require(Objects.equals(t.getMessage(), message), "message " + t.getMessage() + " != " + message),
            require(t.getStackTrace() != null, "null stack trace"),
            require(t.getSuppressed() != null, "null suppressed list"));
    }

    /** A short rendering for reports. */
    static String show(Object v) {
        String s = v instanceof Object[] a ? Arrays.deepToString(a)
            : v != null && v.getClass().isArray() ? Arrays.deepToString(new Object[] {v}) : String.valueOf(v);
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }
}
