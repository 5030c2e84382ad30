#ifndef PRIVAGG_CGMP_SHIM_H
#define PRIVAGG_CGMP_SHIM_H
#include <stddef.h>
#include <stdio.h>
#include <gmp.h>
#endif
