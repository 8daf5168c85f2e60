package io.squall.api.annotations;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A scalar kernel parameter that scalar specialization ({@code withCompilerFlags("-specialize")}) leaves a run-time
 * argument, so one compiled kernel serves every value: for values that gain little as constants but would each cost a
 * compile (matrix sizes: a model's products would otherwise compile once per shape). Squall's own; TornadoVM folds no
 * scalars. Ignored without specialization, and where a value must be a constant (a local array's size).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER})
public @interface Dynamic {}
