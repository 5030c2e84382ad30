#ifndef PRIVAGG_CSODIUM_SHIM_H
#define PRIVAGG_CSODIUM_SHIM_H
#include <sodium.h>
#endif
