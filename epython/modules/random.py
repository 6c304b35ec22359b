/*
 random: pseudo-random numbers from the host's rand() (epiphany-emu's own implementation of
 ePython's module; maths operation 14 is epython.bytecode.MathOp.RANDOM).

 random()        a real in [0, 1): (rand() % 20000) / 20001.0
 randrange(a)    an integer in [0, a)
 randint(a, b)   an integer in [a, b)  (b is excluded, as in ePython)
*/

def random():
    _r=native rtl_math(14)
    return (_r % 20000) / 20001.0

def randrange(a):
    _r=native rtl_math(14)
    return _r % a

def randint(a, b):
    _r=native rtl_math(14)
    return _r % (b - a) + a
