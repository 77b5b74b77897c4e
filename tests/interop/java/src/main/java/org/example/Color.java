package org.example;

public enum Color { RED, GREEN }
