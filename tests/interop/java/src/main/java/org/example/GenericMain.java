package org.example;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.rpc.service.GenericService;

/**
 * Generic calls ({@code $invoke}, attachment generic=true) of org.example.Greeter: arguments
 * and results are plain maps and lists, POJOs as maps with a "class" key.
 */
final class GenericMain {
    private GenericMain() {}

    private static Map<String, Object> user(String name, int age) {
        Map<String, Object> m = new HashMap<>();
        m.put("class", "org.example.User");
        m.put("name", name);
        m.put("age", age);
        return m;
    }

    /** {@link Payload#sample()} as a generic map. */
    private static Map<String, Object> payload() {
        Payload p = Payload.sample();
        Map<String, Object> m = new HashMap<>();
        m.put("class", "org.example.Payload");
        m.put("id", p.getId());
        m.put("count", p.getCount());
        m.put("stamp", p.getStamp());
        m.put("price", p.getPrice());
        m.put("active", p.isActive());
        m.put("tags", p.getTags());
        m.put("attrs", p.getAttrs());
        m.put("owner", user(p.getOwner().getName(), p.getOwner().getAge()));
        m.put("note", p.getNote());
        return m;
    }

    static int run(String url, String version, String group) {
        Checks c = new Checks("java-generic");
        c.watchdog(ConsumerMain.RUN_LIMIT_SECONDS);
        ReferenceConfig<GenericService> ref = ConsumerMain.reference(url, version, group);
        ref.setInterface("org.example.Greeter");
        ref.setGeneric("true");
        ConsumerMain.start("java-peer-generic", ref);
        GenericService g = ref.get();

        String[] str = {"java.lang.String"};
        c.eq("sayHello", "Hello world", () -> g.$invoke("sayHello", str, new Object[] {"world"}));
        c.eq("add", 5, () -> g.$invoke("add", new String[] {"int", "int"}, new Object[] {2, 3}));
        c.eq("echoUser", user("Bob", 14),
                () -> g.$invoke("echoUser", new String[] {"org.example.User"}, new Object[] {user("Bob", 14)}));
        List<String> list = Arrays.asList("a", "b");
        c.eq("echoList", list, () -> g.$invoke("echoList", new String[] {"java.util.List"}, new Object[] {list}));
        c.eq("echoEnum", "GREEN",
                () -> g.$invoke("echoEnum", new String[] {"org.example.Color"}, new Object[] {"GREEN"}));
        Map<String, Object> wrapped = new HashMap<>();
        wrapped.put("class", "org.example.Response");
        wrapped.put("code", 200);
        wrapped.put("message", "ok");
        wrapped.put("data", user("Bob", 14));
        c.eq("wrap", wrapped,
                () -> g.$invoke("wrap", new String[] {"org.example.User"}, new Object[] {user("Bob", 14)}));
        c.eq("overloaded(int)", "int:7",
                () -> g.$invoke("overloaded", new String[] {"int"}, new Object[] {7}));
        c.eq("overloaded(String)", "string:x",
                () -> g.$invoke("overloaded", str, new Object[] {"x"}));
        c.eq("returnNull", null, () -> g.$invoke("returnNull", new String[0], new Object[0]));
        c.eq("echoString", BenchMain.STRING100,
                () -> g.$invoke("echoString", str, new Object[] {BenchMain.STRING100}));
        c.eq("echoPayload", payload(),
                () -> g.$invoke("echoPayload", new String[] {"org.example.Payload"}, new Object[] {payload()}));
        c.throwsThat("fail", () -> g.$invoke("fail", str, new Object[] {"boom"}), e -> {
            Throwable x = (Throwable) e;
            return String.valueOf(x.getMessage()).contains("boom") ? null : "threw " + Checks.oneLine(x);
        });

        System.out.println(c.summary());
        return c.exitCode();
    }
}
