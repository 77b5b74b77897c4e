package org.example;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The interop service: one method per kind of value or behaviour that libdubbo must agree
 * on with Java. {@link GreeterImpl} is the reference implementation; a Rust server that the
 * Java consumer is pointed at must behave the same way (see README.md).
 */
public interface Greeter {
    /** Returns {@code "Hello " + name}. */
    String sayHello(String name);

    int add(int a, int b);

    /** Boxed arguments (nullable on the wire); returns a + b, or null if either is null. */
    Integer addBoxed(Integer a, Integer b);

    long echoLong(long v);

    double echoDouble(double v);

    float echoFloat(float v);

    boolean echoBool(boolean v);

    byte[] echoBytes(byte[] v);

    int[] echoInts(int[] v);

    String[] echoStrings(String[] v);

    List<String> echoList(List<String> v);

    Map<String, Object> echoMap(Map<String, Object> v);

    Set<String> echoSet(Set<String> v);

    User echoUser(User u);

    List<User> echoUsers(List<User> v);

    /** May be cyclic (a.next = b, b.next = a); the identity structure must survive. */
    Node echoNode(Node n);

    BigDecimal echoDecimal(BigDecimal v);

    LocalDateTime echoTime(LocalDateTime v);

    LocalDate echoDate(LocalDate v);

    Date echoUtilDate(Date v);

    Color echoEnum(Color c);

    /** Returns {@code new Response<>(200, "ok", u)}. */
    Response<User> wrap(User u);

    /** Returns {@code "string:" + s}. */
    String overloaded(String s);

    /** Returns {@code "int:" + i}. */
    String overloaded(int i);

    void doNothing();

    /** Always returns null. */
    String returnNull();

    /** Always throws {@code new GreeterException(msg, 42)}. */
    void fail(String msg) throws GreeterException;

    /** Always throws {@code new IllegalStateException(msg)}. */
    void failRuntime(String msg);

    /** Sleeps {@code millis} ms, then returns {@code "slept"}. */
    String slow(int millis);

    /** Returns the request attachment {@code key} (null if absent). */
    String attachment(String key);

    /** Returns s unchanged (the benchmarks' 100-character string echo). */
    String echoString(String s);

    /** Returns p unchanged (the benchmarks' ~1 KB POJO echo, {@link Payload#sample()}). */
    Payload echoPayload(Payload p);

    /** Sets the response attachment key=value and returns value. */
    String echoResponseAttachment(String key, String value);

    /** Stores v (process-wide); meant to be called oneway, then checked with {@link #recalled()}. */
    void remember(String v);

    /** The last value given to {@link #remember}, null before the first. */
    String recalled();
}
