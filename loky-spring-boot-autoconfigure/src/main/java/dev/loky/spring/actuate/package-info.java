/**
 * Actuator support for loky: the {@code loky} health contributor, the {@code loky} endpoint and the
 * Micrometer meters ({@code loky.*}). Every class here is optional: it is used only when the
 * Actuator modules are on the classpath.
 */
package dev.loky.spring.actuate;
