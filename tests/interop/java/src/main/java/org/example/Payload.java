package org.example;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A mid-sized POJO for benchmarks and round trips: scalars, a list, a map and a nested
 * {@link User}. {@link #sample()} is the fixed ~1 KB value (README.md lists its fields).
 */
public class Payload implements Serializable {
    private static final long serialVersionUID = 1L;

    private String id;
    private int count;
    private long stamp;
    private double price;
    private boolean active;
    private List<String> tags;
    private Map<String, String> attrs;
    private User owner;
    private String note;

    public Payload() {}

    /**
     * The benchmark value; its Hessian2 encoding (Hessian2Output.writeObject, class definitions
     * included) is 1,007 bytes with hessian-lite 4.0.4 (Dubbo 3.3) and 1,027 with 3.2.13
     * (Dubbo 3.2, which also writes the list's type name, java.util.ArrayList).
     */
    public static Payload sample() {
        Payload p = new Payload();
        p.id = "payload-0001";
        p.count = 42;
        p.stamp = 1_700_000_000_123L;
        p.price = 1234.5;
        p.active = true;
        p.tags = new ArrayList<>();
        p.attrs = new HashMap<>();
        for (int i = 0; i < 16; i++) {
            String n = String.format("%02d", i);
            p.tags.add("tag-" + n);
            p.attrs.put("key-" + n, "value-" + n);
        }
        p.owner = new User("Alice", 30);
        p.note = "The quick brown fox jumps over the lazy dog. ".repeat(11);
        return p;
    }

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public int getCount() { return count; }
    public void setCount(int count) { this.count = count; }
    public long getStamp() { return stamp; }
    public void setStamp(long stamp) { this.stamp = stamp; }
    public double getPrice() { return price; }
    public void setPrice(double price) { this.price = price; }
    public boolean isActive() { return active; }
    public void setActive(boolean active) { this.active = active; }
    public List<String> getTags() { return tags; }
    public void setTags(List<String> tags) { this.tags = tags; }
    public Map<String, String> getAttrs() { return attrs; }
    public void setAttrs(Map<String, String> attrs) { this.attrs = attrs; }
    public User getOwner() { return owner; }
    public void setOwner(User owner) { this.owner = owner; }
    public String getNote() { return note; }
    public void setNote(String note) { this.note = note; }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof Payload)) return false;
        Payload p = (Payload) o;
        return count == p.count && stamp == p.stamp && Double.compare(price, p.price) == 0
                && active == p.active && Objects.equals(id, p.id) && Objects.equals(tags, p.tags)
                && Objects.equals(attrs, p.attrs) && Objects.equals(owner, p.owner)
                && Objects.equals(note, p.note);
    }

    @Override
    public int hashCode() { return Objects.hash(id, count, stamp, price, active, tags, attrs, owner, note); }

    @Override
    public String toString() {
        return "Payload{id=" + id + ", count=" + count + ", stamp=" + stamp + ", price=" + price
                + ", active=" + active + ", tags=" + tags + ", attrs=" + attrs + ", owner=" + owner
                + ", note=" + note + "}";
    }
}
