package dev.libdubbo.peer;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One case: the values of one Hessian2 stream, and how to check values decoded
 * from someone else's bytes. {@code check} returns null when they are right,
 * else what is wrong.
 */
record Case(String name, Supplier<List<Object>> values, Function<List<Object>, String> check) {

    /** A case of one value, checked by class and deep equality against a fresh copy. */
    static Case equal(String name, Supplier<Object> value) {
        return new Case(name, () -> List.of(value.get()), decoded -> Checks.sameAs(value.get(), decoded.get(0)));
    }

    /** A case of one value with a check of its own. */
    static Case checked(String name, Supplier<Object> value, Function<Object, String> check) {
        return new Case(name, () -> List.of(value.get()), decoded -> check.apply(decoded.get(0)));
    }
}
