package dev.libdubbo.peer;

import java.io.Serializable;

public class Pair implements Serializable {
    Object left;
    Object right;

    public Pair(Object left, Object right) {
        this.left = left;
        this.right = right;
    }
}
