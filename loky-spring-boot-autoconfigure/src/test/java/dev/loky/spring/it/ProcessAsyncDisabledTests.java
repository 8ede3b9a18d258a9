package dev.loky.spring.it;

import dev.loky.ProcessExecutor;

import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code loky.enabled=false}: no pool, and {@code @ProcessAsync} methods run inline in the caller. */
@SpringBootTest(properties = "loky.enabled=false")
class ProcessAsyncDisabledTests {

    @Autowired
    WorkService service;

    @Autowired
    ApplicationContext context;

    @Test
    void methodsRunInlineWithoutAPool() {
        assertThat(context.getBeanNamesForType(ProcessExecutor.class)).isEmpty();
        assertThat(AopUtils.isAopProxy(service)).isFalse();
        assertThat(service.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(service.greet("inline")).isEqualTo("hello, inline (from-file)");
    }
}
