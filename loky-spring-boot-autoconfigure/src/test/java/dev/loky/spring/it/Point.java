package dev.loky.spring.it;

public record Point(int x, int y) {
}
