package dev.libdubbo.bench;

import java.io.Serializable;

public class Address implements Serializable {
    private static final long serialVersionUID = 1L;

    public String street;
    public String city;
    public String zip;
    public String country;
}
