package dev.libdubbo.peer;

import java.util.Objects;

/** A subclass: Hessian2 writes the fields of both classes in one definition. */
public class Dog extends Animal {
    int legs;

    public Dog(String name, int legs) {
        this.name = name;
        this.legs = legs;
    }

    @Override public boolean equals(Object o) {
        return o instanceof Dog d && Objects.equals(name, d.name) && legs == d.legs;
    }

    @Override public int hashCode() { return Objects.hash(name, legs); }

    @Override public String toString() { return "Dog{name=" + name + ", legs=" + legs + "}"; }
}
