# greenlet's switch, timed from Python: a rough reference (the interpreter's
# loop is included). Prints one line like the C benchmark's:
# "ns greenlet 0 <round> <ns per switch>".
import sys
import time

import greenlet

trips, round_ = int(sys.argv[1]), sys.argv[2]


def pong(value):
    main = greenlet.getcurrent().parent
    while True:
        value = main.switch(value)


g = greenlet.greenlet(pong)
g.switch(0)
for i in range(1000):
    g.switch(i)
start = time.perf_counter_ns()
for i in range(trips):
    g.switch(i)
elapsed = time.perf_counter_ns() - start
print("ns greenlet 0 %s %.3f" % (round_, elapsed / (2.0 * trips)))
