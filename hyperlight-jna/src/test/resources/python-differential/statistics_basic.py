import statistics as st
from fractions import Fraction
from decimal import Decimal
data = [2, 4, 4, 4, 5, 5, 7, 9]
print(st.mean(data), st.fmean(data), st.median(data), st.median_low(data), st.median_high(data), st.mode(data))
print(st.pstdev(data), st.stdev(data), st.pvariance(data), st.variance(data))
print(st.multimode("aabbbcccc"), st.geometric_mean([1, 10, 100]), st.harmonic_mean([40, 60]))
print(st.quantiles(range(1, 101), n=4), st.quantiles(data, n=10, method="inclusive"))
print(st.mean([Fraction(1, 3), Fraction(2, 3)]), st.mean([Decimal("1.1"), Decimal("2.2")]))
print(st.median_grouped([1, 2, 2, 3, 4, 4, 4, 4, 4, 5]))
x = [1, 2, 3, 4, 5]; y = [2, 4, 5, 4, 5]
print(st.correlation(x, y), st.covariance(x, y), st.linear_regression(x, y))
n = st.NormalDist(100, 15)
print(n.cdf(130), n.inv_cdf(0.975), n.pdf(100), n.overlap(st.NormalDist(110, 15)), n + 5, n * 2)
try:
    st.mean([])
except st.StatisticsError as e:
    print("StatisticsError:", e)
