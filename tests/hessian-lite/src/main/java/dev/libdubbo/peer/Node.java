package dev.libdubbo.peer;

import java.io.Serializable;

/** A linked node: `next` may point back at itself. */
public class Node implements Serializable {
    String name;
    Node next;

    public Node(String name) { this.name = name; }
}
