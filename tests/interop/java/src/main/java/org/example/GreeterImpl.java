package org.example;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.dubbo.rpc.RpcContext;

/** The reference implementation: echoes, plus the documented fixed behaviours. */
public class GreeterImpl implements Greeter {
    /** Written by remember (possibly oneway, on any server thread), read by recalled. */
    private static volatile String remembered;

    @Override public String sayHello(String name) { return "Hello " + name; }
    @Override public int add(int a, int b) { return a + b; }
    @Override public Integer addBoxed(Integer a, Integer b) { return a == null || b == null ? null : a + b; }
    @Override public long echoLong(long v) { return v; }
    @Override public double echoDouble(double v) { return v; }
    @Override public float echoFloat(float v) { return v; }
    @Override public boolean echoBool(boolean v) { return v; }
    @Override public byte[] echoBytes(byte[] v) { return v; }
    @Override public int[] echoInts(int[] v) { return v; }
    @Override public String[] echoStrings(String[] v) { return v; }
    @Override public List<String> echoList(List<String> v) { return v; }
    @Override public Map<String, Object> echoMap(Map<String, Object> v) { return v; }
    @Override public Set<String> echoSet(Set<String> v) { return v; }
    @Override public User echoUser(User u) { return u; }
    @Override public List<User> echoUsers(List<User> v) { return v; }
    @Override public Node echoNode(Node n) { return n; }
    @Override public BigDecimal echoDecimal(BigDecimal v) { return v; }
    @Override public LocalDateTime echoTime(LocalDateTime v) { return v; }
    @Override public LocalDate echoDate(LocalDate v) { return v; }
    @Override public Date echoUtilDate(Date v) { return v; }
    @Override public Color echoEnum(Color c) { return c; }
    @Override public Response<User> wrap(User u) { return new Response<>(200, "ok", u); }
    @Override public String overloaded(String s) { return "string:" + s; }
    @Override public String overloaded(int i) { return "int:" + i; }
    @Override public void doNothing() {}
    @Override public String returnNull() { return null; }

    @Override
    public void fail(String msg) throws GreeterException {
        throw new GreeterException(msg, 42);
    }

    @Override
    public void failRuntime(String msg) {
        throw new IllegalStateException(msg);
    }

    @Override
    public String slow(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "slept";
    }

    @Override
    public String attachment(String key) {
        return RpcContext.getServerAttachment().getAttachment(key);
    }

    @Override public String echoString(String s) { return s; }
    @Override public Payload echoPayload(Payload p) { return p; }

    @Override
    public String echoResponseAttachment(String key, String value) {
        // ContextFilter copies the server response context into the reply's attachments
        RpcContext.getServerResponseContext().setAttachment(key, value);
        return value;
    }

    @Override public void remember(String v) { remembered = v; }
    @Override public String recalled() { return remembered; }
}
