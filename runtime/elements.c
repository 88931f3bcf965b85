/*
 * elements.c — cx_elem_table, built from cx_elements.def (the one table of elements).
 */
#include "cx_gen.h"

/* one array of attribute descriptions per element */
#define CX_A(e, id, name, kind, flags) {name, kind, flags},
#define CX_ELEM(id, tag, ns, ATTRS) static const cx_attr_info cx_elem__attrs_##id[] = { ATTRS {0, 0, 0} };
#include "cx_elements.def"
#undef CX_ELEM
#undef CX_A

#define CX_A(e, id, name, kind, flags)
#define CX_ELEM(id, tag, ns, ATTRS) [CX_E_##id] = {tag, ns, CX_NA_##id, cx_elem__attrs_##id},
const cx_elem_info cx_elem_table[CX_E__COUNT] = {
#include "cx_elements.def"
};
#undef CX_ELEM
#undef CX_A
