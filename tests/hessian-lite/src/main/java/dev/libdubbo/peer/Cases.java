package dev.libdubbo.peer;

import static dev.libdubbo.peer.Checks.firstFailure;
import static dev.libdubbo.peer.Checks.require;
import static dev.libdubbo.peer.Checks.sameAs;
import static dev.libdubbo.peer.Checks.throwable;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The Dubbo-specific cases; `core/tests/cases/hessian_lite.rs` holds the same table in Rust. */
final class Cases {
    private Cases() {}

    static List<Case> all() {
        return List.of(
            Case.equal("big_decimal", () -> new BigDecimal("12345.678900")),
            Case.checked("big_decimal_shared", () -> {
                BigDecimal d = new BigDecimal("1.5");
                return new ArrayList<>(List.of(d, d));
            }, v -> v instanceof List<?> l && l.size() == 2
                ? firstFailure(sameAs(new BigDecimal("1.5"), l.get(0)), require(l.get(1) == l.get(0), "second is not the first"))
                : "not a list of two: " + Checks.show(v)),
            Case.equal("enum", () -> Color.GREEN),
            Case.equal("enum_list", () -> new ArrayList<>(List.of(Color.RED, Color.GREEN, Color.RED))),
            Case.equal("local_date_time", () -> LocalDateTime.of(2024, 2, 29, 13, 45, 30, 123456789)),
            Case.equal("local_date", () -> LocalDate.of(2024, 2, 29)),
            Case.equal("local_time", () -> LocalTime.of(23, 59, 58, 1000)),
            Case.equal("instant", () -> Instant.ofEpochSecond(1700000000L, 123456789)),
            Case.equal("date", () -> new Date(1700000000123L)),
            Case.equal("date_minute", () -> new Date(1700000040000L)),
            Case.equal("sql_timestamp", () -> new java.sql.Timestamp(1700000000123L)),
            Case.equal("sql_date", () -> new java.sql.Date(1700000000000L)),
            Case.equal("boxes", Boxes::sample),
            Case.equal("int_array", () -> new int[] {1, -1, 300, 70000, Integer.MIN_VALUE}),
            Case.equal("long_array", () -> new long[] {1L, -9L, 1L << 40}),
            Case.equal("short_array", () -> new short[] {1, -2, 300}),
            Case.equal("byte_array", () -> new byte[] {1, 2, 3, -1}),
            Case.equal("boolean_array", () -> new boolean[] {true, false, true}),
            Case.equal("float_array", () -> new float[] {0.1f, 1.5f, -2f}),
            Case.equal("double_array", () -> new double[] {0.0, 1.0, 10.123, 1e300}),
            // char[] travels as a string and untyped reading gives the String.
            Case.checked("char_array", () -> "abc".toCharArray(), v -> sameAs("abc", v)),
            Case.equal("string_array", () -> new String[] {"a", null, "ccc"}),
            Case.equal("object_array", () -> new Object[] {1, "two", 3L}),
            Case.equal("user_array", () -> new User[] {new User("a", 1), new User("b", 2)}),
            Case.equal("hash_set", () -> new HashSet<>(List.of("x", "y", "z"))),
            Case.equal("linked_list", () -> new LinkedList<>(List.of(new User("l", 1)))),
            Case.checked("linked_hash_map", Cases::linkedHashMap, v -> firstFailure(sameAs(linkedHashMap(), v),
                require(v instanceof Map<?, ?> m && List.copyOf(m.keySet()).equals(List.of("b", "a", "c")), "key order lost"))),
            Case.equal("tree_map", () -> new TreeMap<>(Map.of("a", 1, "b", 2))),
            Case.equal("hash_map", () -> new HashMap<>(Map.of("k", "v", "n", 1))),
            Case.equal("int_key_map", () -> new HashMap<>(Map.of(1, "one", 2, "two", -5, "minus"))),
            Case.equal("enum_key_map", () -> new HashMap<>(Map.of(Color.RED, 1, Color.BLUE, 3))),
            Case.checked("self_ref", () -> {
                Node n = new Node("loop");
                n.next = n;
                return n;
            }, v -> v instanceof Node n ? firstFailure(sameAs("loop", n.name), require(n.next == n, "next is not the node itself"))
                : "not a Node: " + Checks.show(v)),
            Case.checked("shared_refs", () -> {
                User u = new User("shared", 7);
                return new Pair(u, u);
            }, v -> v instanceof Pair p ? firstFailure(sameAs(new User("shared", 7), p.left), require(p.left == p.right, "left and right are two objects"))
                : "not a Pair: " + Checks.show(v)),
            Case.checked("cyclic_list", () -> {
                List<Object> a = new ArrayList<>();
                a.add("x");
                a.add(a);
                return a;
            }, v -> v instanceof List<?> l && l.size() == 2
                ? firstFailure(sameAs("x", l.get(0)), require(l.get(1) == l, "the list does not hold itself"))
                : "not a list of two"),
            Case.equal("inheritance", () -> new Dog("rex", 4)),
            Case.equal("generic_response", () -> new Response<>(200, "ok", new User("bob", 30))),
            Case.checked("io_exception", () -> new IOException("disk gone", new IllegalStateException("inner")),
                v -> firstFailure(throwable(v, IOException.class, "disk gone"),
                    throwable(((Throwable) v).getCause(), IllegalStateException.class, "inner"),
                    require(((Throwable) v).getCause().getCause() == null, "the cause has a cause"))),
            Case.checked("custom_exception", () -> new BizException("biz failed", 42, "detail text"),
                v -> firstFailure(throwable(v, BizException.class, "biz failed"),
                    require(((BizException) v).code == 42, "code != 42"),
                    sameAs("detail text", ((BizException) v).detail),
                    require(((Throwable) v).getCause() == null, "has a cause"))),
            Case.equal("supplementary", () -> "emoji \uD83D\uDE00 clef \uD834\uDD1E 中文 é"),
            Case.equal("long_string", () -> "a".repeat(32767) + "\uD83D\uDE00" + "b".repeat(37000)),
            new Case("two_values", () -> {
                User same = new User("same", 1);
                return List.of(same, same, new User("other", 2));
            }, d -> firstFailure(sameAs(new User("same", 1), d.get(0)), require(d.get(1) == d.get(0), "second is not the first"),
                sameAs(new User("other", 2), d.get(2)))));
    }

    private static Map<String, Integer> linkedHashMap() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("b", 2);
        m.put("a", 1);
        m.put("c", 3);
        return m;
    }
}
