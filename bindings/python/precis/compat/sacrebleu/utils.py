"""The two helpers of sacrebleu's ``utils`` that scores depend on."""

import math


def my_log(num: float) -> float:
    """log(num), with log(0) floored to -9999999999 as sacrebleu does."""
    if num == 0.0:
        return -9999999999
    return math.log(num)


def sum_of_lists(lists):
    """Element-wise sum of equally long lists (the only list itself when there is one)."""
    if len(lists) == 1:
        return lists[0]
    width = len(lists[0])
    zero = type(lists[0][0])(0.0)
    total = [zero] * width
    for row in lists:
        for i in range(width):
            total[i] += row[i]
    return total
