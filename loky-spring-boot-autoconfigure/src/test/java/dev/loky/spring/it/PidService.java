package dev.loky.spring.it;

import dev.loky.spring.ProcessAsync;

import org.springframework.stereotype.Service;

/** Another bean with a {@code @ProcessAsync} method, called from inside a worker. */
@Service
public class PidService {

    @ProcessAsync
    public long pid() {
        return ProcessHandle.current().pid();
    }
}
