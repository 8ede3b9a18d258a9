package dev.loky.it.realapp;

import java.util.List;

/** The DTO an {@code @ProcessAsync} method should take instead of the entity: a record reads back whole. */
public record OwnerSummary(long id, String name, List<String> petNames) {

    static OwnerSummary of(Owner owner) {
        return new OwnerSummary(owner.getId(), owner.getName(), owner.getPets().stream().map(Pet::getName).toList());
    }
}
