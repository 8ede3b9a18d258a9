package dev.loky.it.realapp;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;

/** A visit, written by a worker into the shared database. */
@Entity
public class Visit {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private Long petId;

    private String description;

    protected Visit() {
    }

    public Visit(Long petId, String description) {
        this.petId = petId;
        this.description = description;
    }

    public Long getId() {
        return id;
    }

    public Long getPetId() {
        return petId;
    }

    public String getDescription() {
        return description;
    }
}
