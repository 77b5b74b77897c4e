package dev.libdubbo.bench;

import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;

/** The deterministic benchmark values. Nothing here depends on the clock or on randomness. */
public final class Values {
    private Values() {}

    /** 2023-11-14T22:13:20.123Z: not a whole minute, so Hessian writes the full 8-byte date. */
    private static final long BASE_MS = 1_700_000_000_123L;
    /** Length of every note; chosen so that {@link #pojo()} encodes to about 1 KB. */
    private static final int NOTE_CHARS = 680;
    private static final String NOTE_FILLER =
            "Please leave the parcel at the front desk if nobody answers the door. ";

    /** One order; ids 0..99 make pojo_list, and the single pojo uses id 1000. */
    public static Order order(int id) {
        Order o = new Order();
        o.id = id;
        o.customer = "Customer " + id;
        o.email = "customer" + id + "@example.com";
        o.quantity = 1 + id % 10;
        o.price = 19.99 + id * 0.5;
        o.paid = id % 2 == 0;
        o.created = new Date(BASE_MS + id * 3_600_000L);
        o.note = note(id);

        o.tags = new ArrayList<>();
        o.tags.add("priority");
        o.tags.add("gift-wrap");
        o.tags.add("express");
        o.tags.add("fragile");
        o.tags.add("batch-" + id % 7);

        o.attributes = new HashMap<>();
        o.attributes.put("channel", id % 3 == 0 ? "mobile" : "web");
        o.attributes.put("coupon", "SAVE" + (10 + id % 5));
        o.attributes.put("warehouse", "wh-" + id % 4);
        o.attributes.put("currency", "EUR");
        o.attributes.put("locale", "fr-FR");

        Address a = new Address();
        a.street = (id + 1) + " Rue de Rivoli";
        a.city = "Paris";
        a.zip = String.format("750%02d", 1 + id % 20);
        a.country = "France";
        o.shipping = a;
        return o;
    }

    private static String note(int id) {
        StringBuilder sb = new StringBuilder("Order " + id + ": ");
        while (sb.length() < NOTE_CHARS) {
            sb.append(NOTE_FILLER);
        }
        sb.setLength(NOTE_CHARS);
        return sb.toString();
    }

    public static Order pojo() {
        return order(1000);
    }

    /** 100 distinct orders (own lists, maps, addresses), so the encoding holds no back-references. */
    public static List<Order> pojoList() {
        List<Order> list = new ArrayList<>();
        for (int id = 0; id < 100; id++) {
            list.add(order(id));
        }
        return list;
    }

    /** Exactly 65536 UTF-16 units: ASCII words with some 2-byte (é) and 3-byte (中) characters. */
    public static String string64k() {
        String[] words = {"lorem", "ipsum", "dolor", "sit", "amet", "hessian", "dubbo", "wire", "format"};
        StringBuilder sb = new StringBuilder(65536 + 16);
        for (int i = 0; sb.length() < 65536; i++) {
            if (i % 7 == 3) {
                sb.append("café ");
            } else if (i % 11 == 5) {
                sb.append("中文 ");
            } else {
                sb.append(words[i % words.length]).append(' ');
            }
        }
        sb.setLength(65536);
        return sb.toString();
    }
}
