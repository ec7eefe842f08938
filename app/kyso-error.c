#include "kyso-error.h"

G_DEFINE_QUARK (kyso - error - quark, kyso_error)
