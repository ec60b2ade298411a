/**
 * The building blocks of transactions, shaped like jetcd's: {@link io.etch.op.Cmp} (a guard on a
 * key or range), {@link io.etch.op.CmpTarget} (the field compared and the operand), and {@link
 * io.etch.op.Op} (put, get, delete or a nested transaction).
 */
package io.etch.op;
