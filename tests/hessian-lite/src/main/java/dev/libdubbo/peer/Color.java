package dev.libdubbo.peer;

public enum Color { RED, GREEN, BLUE }
