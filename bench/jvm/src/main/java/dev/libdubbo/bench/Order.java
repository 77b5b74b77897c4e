package dev.libdubbo.bench;

import java.io.Serializable;
import java.util.Date;
import java.util.List;
import java.util.Map;

public class Order implements Serializable {
    private static final long serialVersionUID = 1L;

    public long id;
    public String customer;
    public String email;
    public int quantity;
    public double price;
    public boolean paid;
    public Date created;
    public String note;
    public List<String> tags;
    public Map<String, String> attributes;
    public Address shipping;
}
