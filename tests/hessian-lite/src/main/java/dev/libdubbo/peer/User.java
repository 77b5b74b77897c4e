package dev.libdubbo.peer;

import java.io.Serializable;
import java.util.Objects;

public class User implements Serializable {
    String name;
    int age;

    public User(String name, int age) {
        this.name = name;
        this.age = age;
    }

    @Override public boolean equals(Object o) {
        return o instanceof User u && Objects.equals(name, u.name) && age == u.age;
    }

    @Override public int hashCode() { return Objects.hash(name, age); }

    @Override public String toString() { return "User{name=" + name + ", age=" + age + "}"; }
}
