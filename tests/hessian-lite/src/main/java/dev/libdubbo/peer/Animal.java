package dev.libdubbo.peer;

import java.io.Serializable;

public class Animal implements Serializable {
    String name;
}
